using Remediation.Contracts;
using Remediator.Planning;

namespace Remediator.Pipeline;

/// <summary>How one event ended. Every event ends as exactly one of these.</summary>
public enum OutcomeKind
{
    /// <summary>The plan was carried out.</summary>
    Acted,

    /// <summary>Nothing was done, for the reason given (ignored, observe mode, notify, duplicate).</summary>
    Skipped,

    /// <summary>Acting failed; the invocation raised so that the event is retried and kept.</summary>
    Failed,
}

public sealed record Outcome(OutcomeKind Kind, Plan Plan, string Detail, TimeSpan Elapsed, IReadOnlyList<string> Runs)
{
    /// <summary>The Outcome metric dimension and log field.</summary>
    public string KindName => Kind switch
    {
        OutcomeKind.Acted => RemediatorMetrics.Acted,
        OutcomeKind.Skipped => RemediatorMetrics.Skipped,
        _ => RemediatorMetrics.Failed,
    };

    /// <summary>What the act step reported, when it ran.</summary>
    public ActResult? Act { get; init; }

    /// <summary>
    /// The Cause metric dimension: duplicate or instance-recently-fixed when the act step skipped,
    /// observe when observe mode kept a plan from running, else the plan's kebab cause.
    /// </summary>
    public string Cause =>
        Act?.SkipCause
        ?? (Plan.Decision != Decision.Ignore && !Plan.Execute
            ? SkipCauses.Observe
            : PlanDocument.Kebab(Plan.Cause.ToString()));
}
