using System.Text.Json.Nodes;

namespace LocalControlPlane.Automation;

/// <summary>What one step did: its status (Success, Failed, TimedOut), outputs and failure message.</summary>
public sealed record StepExecution
{
    public required string StepName { get; init; }

    public required string Action { get; init; }

    public required string Status { get; init; }

    public IReadOnlyDictionary<string, JsonNode> Outputs { get; init; } = new Dictionary<string, JsonNode>();

    public string? FailureMessage { get; init; }

    public JsonNode? Inputs { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndedAt { get; init; }
}

/// <summary>An Automation execution: Pending until run, then InProgress, then Success or Failed.</summary>
public sealed record AutomationExecution
{
    public required string Id { get; init; }

    public required string DocumentName { get; init; }

    public required string Status { get; init; }

    /// <summary>The bound parameters (given values and defaults), typed.</summary>
    public required IReadOnlyDictionary<string, JsonNode> Parameters { get; init; }

    public IReadOnlyList<StepExecution> Steps { get; init; } = [];

    /// <summary>The document's declared outputs (Step.Output) that exist at the end.</summary>
    public IReadOnlyDictionary<string, JsonNode> Outputs { get; init; } = new Dictionary<string, JsonNode>();

    /// <summary>Every document this execution ran: the runbook, then each Command document in order.</summary>
    public IReadOnlyList<string> DocumentsRun { get; init; } = [];

    public string? FailureMessage { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }
}
