namespace Infra.Constructs;

public sealed record RunbookProps
{
    /// <summary>The documents the runbook runs on the container instance (and that its role may send, and no other).</summary>
    public required CommandDocuments Documents { get; init; }

    /// <summary>Where the runbook reports a failed step; its role may publish there.</summary>
    public required Notifications Notifications { get; init; }

    public required string VpcResolver { get; init; }

    /// <summary>The safe capacity provider that reschedules go to.</summary>
    public required string SafeCapacityProviderName { get; init; }

    /// <summary>Default subnets of rescheduled tasks.</summary>
    public required IReadOnlyList<string> TaskSubnetIds { get; init; }

    /// <summary>Default security groups of rescheduled tasks.</summary>
    public required IReadOnlyList<string> TaskSecurityGroupIds { get; init; }

    /// <summary>Clusters the role may act on; empty means every cluster of the account and Region.</summary>
    public required IReadOnlyList<string> AllowedClusters { get; init; }

    /// <summary>Task-definition families the role may run; empty means any.</summary>
    public required IReadOnlyList<string> TaskDefinitionFamilies { get; init; }

    /// <summary>Task and execution roles the role may pass to ECS; empty means any role of the account.</summary>
    public required IReadOnlyList<string> TaskRoleArns { get; init; }
}
