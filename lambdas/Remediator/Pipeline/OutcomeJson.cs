using System.Text.Json.Serialization;
using Remediator.Planning;

namespace Remediator.Pipeline;

/// <summary>The log line of one event: its outcome and its plan.</summary>
public sealed record OutcomeLine(
    DateTimeOffset Timestamp,
    string Level,
    string Message,
    string Outcome,
    string Detail,
    double ElapsedMs,
    IReadOnlyList<string> Runs,
    PlanDocument Plan,
    string? Account = null,
    string? Region = null)
{
    public static OutcomeLine From(Outcome outcome, DateTimeOffset now) => new(
        now,
        outcome.Kind == OutcomeKind.Failed ? "ERROR" : "INFO",
        $"event {outcome.KindName}: {outcome.Plan.Decision.ToString().ToLowerInvariant()}",
        outcome.KindName,
        outcome.Detail,
        Math.Round(outcome.Elapsed.TotalMilliseconds, 3),
        outcome.Runs,
        PlanDocument.From(outcome.Plan),
        AccountScope.Of(outcome.Plan)?.Account,
        AccountScope.Of(outcome.Plan)?.Region);
}

/// <summary>What the handler returns to the Lambda runtime for one event.</summary>
public sealed record HandlerResponse(string Outcome, string Decision, string Detail, IReadOnlyList<string> Runs);

/// <summary>The log line written when the configuration cannot be used.</summary>
public sealed record StartupError(string Level, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutcomeLine))]
[JsonSerializable(typeof(HandlerResponse))]
[JsonSerializable(typeof(StartupError))]
public sealed partial class OutcomeJsonContext : JsonSerializerContext;
