namespace Remediation.Contracts;

/// <summary>
/// The function's CloudWatch Embedded Metric Format record, one per event: the reporter emits these names and
/// dimensions, and the alarms and dashboard read them.
/// </summary>
public static class RemediatorMetrics
{
    public const string DefaultNamespace = "EcsDnsRemediation";

    /// <summary>1 per event.</summary>
    public const string Events = "Events";

    /// <summary>1 when the event started a host fix.</summary>
    public const string HostFixes = "HostFixes";

    /// <summary>1 when the event started a reschedule.</summary>
    public const string Reschedules = "Reschedules";

    /// <summary>1 when the plan was a notify.</summary>
    public const string Notifications = "Notifications";

    public const string Unit = "Count";

    /// <summary>Every metric of the record, in the order the record lists them.</summary>
    public static readonly IReadOnlyList<string> Names = [Events, HostFixes, Reschedules, Notifications];

    /// <summary>How the event ended: <see cref="Acted"/>, <see cref="Skipped"/> or <see cref="Failed"/>.</summary>
    public const string OutcomeDimension = "Outcome";

    /// <summary>Why, in kebab case: the plan's cause, or the reason the act step skipped.</summary>
    public const string CauseDimension = "Cause";

    public const string Acted = "acted";

    public const string Skipped = "skipped";

    public const string Failed = "failed";

    /// <summary>The dimension sets of the record: every metric is emitted under each of them.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> DimensionSets =
        [[], [OutcomeDimension], [OutcomeDimension, CauseDimension]];

    /// <summary>The member account an organization hub acted in.</summary>
    public const string AccountDimension = "Account";

    /// <summary>The Region of the event an organization hub acted on.</summary>
    public const string RegionDimension = "Region";

    /// <summary>The dimension set an organization hub's record adds, for events from member accounts.</summary>
    public static readonly IReadOnlyList<string> AccountDimensionSet = [AccountDimension, RegionDimension];
}

/// <summary>The safe capacity's heartbeat metric, put by hostscripts/safe-capacity-boot.sh and read by its alarm.</summary>
public static class SafeCapacityMetrics
{
    public const string Namespace = "EcsDnsRemediation/SafeCapacity";

    public const string SafeInstances = "SafeInstances";
}
