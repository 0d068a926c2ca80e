namespace Remediator.Cli.Fleet;

/// <summary>The two SSM calls a fleet command needs, so the fleet logic stays free of AWS types.</summary>
public interface IFleetCommands
{
    /// <summary>Sends the resolv-fix document to the instances tagged with the cluster; returns the command id.</summary>
    Task<string> SendAsync(FleetRequest request, CancellationToken cancellationToken);

    /// <summary>The command's invocations so far, one per targeted instance.</summary>
    Task<IReadOnlyList<Invocation>> ListAsync(string commandId, CancellationToken cancellationToken);
}

/// <summary>What to send: the document, which instances (by tag), and its parameters.</summary>
public sealed record FleetRequest
{
    public required string Document { get; init; }
    public required string TargetTagKey { get; init; }
    public required string Cluster { get; init; }
    public required string Action { get; init; }
    public required string Resolver { get; init; }
    public bool DryRun { get; init; }

    /// <summary>Rate control: how many instances at once, and how many errors stop the command.</summary>
    public required string MaxConcurrency { get; init; }
    public required string MaxErrors { get; init; }
    public int TimeoutSeconds { get; init; } = 120;
}

/// <summary>One instance's invocation as SSM reports it.</summary>
/// <param name="Terminal">SSM will not change it any more (Success, Failed, TimedOut, Cancelled, Undeliverable, Terminated).</param>
/// <param name="ResponseCode">The script's exit code, when it ran to the end.</param>
public sealed record Invocation(string InstanceId, string Status, bool Terminal, int? ResponseCode, string? Output);
