using Amazon.CDK.AWS.AutoScaling;

namespace Infra.Constructs;

public sealed record SafeCapacityAlarmProps
{
    /// <summary>The safe capacity's group: its in-service instance count says whether a safe instance is expected.</summary>
    public required AutoScalingGroup AutoScalingGroup { get; init; }

    /// <summary>The ClusterName dimension the heartbeat puts.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The CapacityProvider dimension the heartbeat puts.</summary>
    public required string CapacityProviderName { get; init; }

    /// <summary>A fixed alarm name, so that a rule or a runbook can refer to it without an export.</summary>
    public required string AlarmName { get; init; }
}
