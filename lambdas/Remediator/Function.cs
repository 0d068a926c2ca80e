using System.Text.Json;
using Remediator.Pipeline;

namespace Remediator;

/// <summary>
/// The Lambda entry point. Handler string: <c>Remediator::Remediator.Function::Handle</c>.
/// The managed dotnet runtime passes the raw event as a stream and takes the raw response as a
/// stream, so no Amazon.Lambda.* package is needed (DESIGN.md §3).
/// </summary>
public sealed class Function(RemediationPipeline pipeline)
{
    /// <summary>Handles one ECS Task State Change event. Throws when acting failed, so the event is retried and kept.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        var outcome = await pipeline.HandleAsync(input).ConfigureAwait(false);
        var response = new HandlerResponse(outcome.KindName, outcome.Plan.Decision.ToString().ToLowerInvariant(), outcome.Detail, outcome.Runs);
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, response, OutcomeJsonContext.Default.HandlerResponse).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }
}
