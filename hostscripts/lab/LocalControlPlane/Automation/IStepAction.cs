using System.Text.Json.Nodes;

namespace LocalControlPlane.Automation;

/// <summary>What a step action gets: the step, its interpolated inputs, and the execution it belongs to.</summary>
public sealed record StepContext
{
    public required AutomationStep Step { get; init; }

    public required JsonObject Inputs { get; init; }

    public required string ExecutionId { get; init; }

    public required string DocumentName { get; init; }
}

/// <summary>
/// What a step did. <see cref="Response"/> is what the step's declared output selectors read;
/// <see cref="Outputs"/> are the outputs the action itself defines (aws:runCommand's CommandId, Status,
/// ResponseCode, Output). A branch names the step to go to.
/// </summary>
public sealed record StepResult
{
    public required bool Succeeded { get; init; }

    public string? FailureMessage { get; init; }

    public JsonNode? Response { get; init; }

    public IReadOnlyDictionary<string, JsonNode> Outputs { get; init; } = new Dictionary<string, JsonNode>();

    public string? NextStep { get; init; }

    public IReadOnlyList<string> DocumentsRun { get; init; } = [];

    public static StepResult Failed(string message) => new() { Succeeded = false, FailureMessage = message };
}

/// <summary>One Automation step type (aws:branch, aws:runCommand...).</summary>
public interface IStepAction
{
    string Action { get; }

    Task<StepResult> RunAsync(StepContext context, CancellationToken cancellationToken);
}
