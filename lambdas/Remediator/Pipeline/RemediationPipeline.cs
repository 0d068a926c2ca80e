using System.Diagnostics;
using Remediator.Diagnosing;
using Remediator.Events;
using Remediator.Planning;

namespace Remediator.Pipeline;

/// <summary>
/// event → parse → diagnose → plan → act → report. The Lambda handler and the CLI are thin
/// shells over this class. AWS lives behind <see cref="IActuator"/>.
/// </summary>
public sealed class RemediationPipeline(RemediatorSettings settings, IActuator actuator, IReporter reporter)
{
    /// <summary>
    /// Handles one event to its single outcome and reports it, whatever the bytes: unreadable input
    /// (see <see cref="EventParser"/>) is reported as an ignored event; a failure to act is reported as
    /// failed and rethrown.
    /// </summary>
    public async Task<Outcome> HandleAsync(Stream input, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        Plan plan;
        try
        {
            plan = Planner.Plan(await EventParser.ParseAsync(input, cancellationToken).ConfigureAwait(false), settings);
        }
        catch (System.Text.Json.JsonException e)
        {
            plan = new Plan(Decision.Ignore, Cause.NotAStoppedTask, $"unreadable event: {Printable.Truncate(e.Message, 200)}",
                Diagnosis.None, [], Execute: false);
        }
        return await ActAndReportAsync(plan, clock, cancellationToken).ConfigureAwait(false);
    }

    async Task<Outcome> ActAndReportAsync(Plan plan, Stopwatch clock, CancellationToken cancellationToken)
    {
        // A notify plan has no action: the Notifications metric and its alarm carry it (no SSM call).
        if (!plan.Execute || plan.Actions.Count == 0)
            return Report(new Outcome(OutcomeKind.Skipped, plan, plan.Reason, clock.Elapsed, []));

        ActResult result;
        try
        {
            result = await actuator.ActAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        // A cancellation that is not the caller's (a timeout inside a client, say) is a failure to act like any
        // other: only the caller's own cancellation goes unreported.
        catch (StartLaterException e)
        {
            Report(new Outcome(OutcomeKind.Skipped, plan, Printable.Truncate(e.Message, 300), clock.Elapsed, [])
            {
                Act = ActResult.Skipped(SkipCauses.Later, e.Message),
            });
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var failed = e is MemberRoleUnavailableException
                ? plan with { Decision = Decision.Notify, Cause = Cause.MemberRoleUnavailable, Reason = e.Message }
                : plan;
            Report(new Outcome(OutcomeKind.Failed, failed, Printable.Truncate(e.Message, 300), clock.Elapsed, []));
            throw;
        }
        return Report(new Outcome(result.Acted ? OutcomeKind.Acted : OutcomeKind.Skipped, plan, result.Detail, clock.Elapsed, result.Runs)
        {
            Act = result,
        });
    }

    Outcome Report(Outcome outcome)
    {
        reporter.Report(outcome);
        return outcome;
    }
}
