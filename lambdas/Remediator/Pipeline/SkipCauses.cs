namespace Remediator.Pipeline;

/// <summary>The Cause dimension of a skipped event when it is not the plan's own cause (<see cref="Remediation.Contracts.RemediatorMetrics.CauseDimension"/>).</summary>
public static class SkipCauses
{
    /// <summary>The event (same task and version) was handled before.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>The container instance had its host fix started within the window, and there was nothing else to do.</summary>
    public const string InstanceRecentlyFixed = "instance-recently-fixed";

    /// <summary>An earlier attempt recorded a start whose outcome it did not learn, too long ago to send it again safely.</summary>
    public const string StartRecorded = "start-recorded";

    /// <summary>SSM refused the start for a limit, nothing was started: the event waits and is handled again (<see cref="StartLaterException"/>).</summary>
    public const string Later = "later";

    /// <summary>Observe mode: planned, not executed.</summary>
    public const string Observe = "observe";
}
