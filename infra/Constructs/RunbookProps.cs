using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;

namespace Infra.Constructs;

public sealed record RunbookProps
{
    /// <summary>The runbook is named PREFIX-Remediate (<see cref="Remediation.Contracts.RemediationDocuments"/>).</summary>
    public required string NamePrefix { get; init; }

    /// <summary>The documents the runbook runs on the container instance (and that its role may send, and no other).</summary>
    public required CommandDocuments Documents { get; init; }

    /// <summary>Where the runbook reports what it must not fix or failed to; its role may publish there.</summary>
    public required ITopic NotificationTopic { get; init; }

    /// <summary>The topic's customer managed key, which the role may then use; null for a topic under the AWS managed key.</summary>
    public required IKey? NotificationTopicKey { get; init; }

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

    /// <summary>The role's name; null lets CloudFormation name it.</summary>
    public string? RoleName { get; init; }

    /// <summary>Task and execution roles the role may pass to ECS; empty means any role of the account.</summary>
    public required IReadOnlyList<string> TaskRoleArns { get; init; }
}
