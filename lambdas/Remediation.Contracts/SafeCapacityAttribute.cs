namespace Remediation.Contracts;

/// <summary>
/// The container-instance attribute that marks the safe capacity: hostscripts/safe-capacity-boot.sh writes it into
/// ECS_INSTANCE_ATTRIBUTES, and placement (the task definitions' constraint, the runbook's reschedule) requires it.
/// </summary>
public static class SafeCapacityAttribute
{
    public const string Name = "dns.local-resolver";

    /// <summary>The value on an instance without a local resolver.</summary>
    public const string Safe = "none";

    /// <summary>The value the boot script writes when it finds a local resolver after all.</summary>
    public const string AtRisk = "at-risk";

    /// <summary>The cluster query language expression that places a task on the safe capacity only.</summary>
    public const string PlacementExpression = "attribute:" + Name + " == " + Safe;
}
