using Remediator.Planning;

namespace Remediator.Pipeline;

/// <summary>
/// The act step: carries out a plan that is to be executed. Implementations talk to AWS (SSM);
/// the pipeline does not. A failure to act throws, so that the invocation fails and the
/// asynchronous retry, then the failure destination, keep the event.
/// </summary>
public interface IActuator
{
    Task<ActResult> ActAsync(Plan plan, CancellationToken cancellationToken);
}

/// <summary>What the act step did: acted, or skipped with a reason (a duplicate event, say).</summary>
/// <param name="Runs">Identifiers of what was started (automation execution ids).</param>
public sealed record ActResult(bool Acted, string Detail, IReadOnlyList<string> Runs)
{
    /// <summary>The started run includes the host fix.</summary>
    public bool HostFix { get; init; }

    /// <summary>The started run includes a reschedule.</summary>
    public bool Reschedule { get; init; }

    /// <summary>Why nothing was done, as a metric's Cause (see <see cref="SkipCauses"/>); null when acted.</summary>
    public string? SkipCause { get; init; }

    public static ActResult Skipped(string cause, string reason) => new(false, reason, []) { SkipCause = cause };
}
