using System.Text.Json;
using Remediator.Planning;

namespace Remediator.Pipeline;

/// <summary>Writes one JSON object per event to a writer (in Lambda the raw standard output, see Function.RawStandardOutput: each line is one log event).</summary>
public sealed class JsonLineReporter(TextWriter writer, TimeProvider? clock = null) : IReporter
{
    readonly TimeProvider clock = clock ?? TimeProvider.System;
    readonly Lock gate = new();

    public void Report(Outcome outcome)
    {
        var line = OutcomeLine.From(outcome, clock.GetUtcNow());
        var json = JsonSerializer.Serialize(line, OutcomeJsonContext.Default.OutcomeLine);
        lock (gate) writer.WriteLine(json);
    }
}
