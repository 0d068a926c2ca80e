using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Infra.Configuration;
using Infra.Documents;

namespace Infra.Stacks;

public sealed record RemediationStackProps
{
    public required RemediationConfig Config { get; init; }

    public required Code RemediatorCode { get; init; }

    public required HostScript ResolvFix { get; init; }

    public required HostScript DiagnoseTaskNetns { get; init; }

    public required HostScript EfsEvidence { get; init; }

    /// <summary>Clusters whose container instances the proactive association targets (by tag).</summary>
    public required IReadOnlyList<string> TargetClusters { get; init; }

    /// <summary>Default subnets of rescheduled tasks.</summary>
    public required IReadOnlyList<string> TaskSubnetIds { get; init; }

    /// <summary>Default security groups of rescheduled tasks.</summary>
    public required IReadOnlyList<string> TaskSecurityGroupIds { get; init; }

    /// <summary>The capacity stack's no-safe-instance alarms, one per cluster served (none without safe capacity), whose ALARM state this stack reports to its topic.</summary>
    public required IReadOnlyList<string> SafeCapacityAlarmNames { get; init; }

    public IStackProps StackProps { get; init; } = new StackProps();
}
