namespace LocalControlPlane.Actions;

/// <summary>One Run Command invocation on one instance, as GetCommandInvocation reports it.</summary>
public sealed record CommandInvocation
{
    public required string CommandId { get; init; }

    public required string DocumentName { get; init; }

    public required string InstanceId { get; init; }

    /// <summary>Success, Failed or TimedOut.</summary>
    public required string Status { get; init; }

    /// <summary>The script's exit code; -1 when it timed out.</summary>
    public required int ResponseCode { get; init; }

    public required string StandardOutput { get; init; }

    public required string StandardError { get; init; }

    /// <summary>The script as it ran, after parameter substitution.</summary>
    public required string Script { get; init; }
}
