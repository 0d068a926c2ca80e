using System.Collections.Frozen;
using System.Net;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Remediation.Contracts;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>
/// The act step through SSM: starts the Automation runbook once per event, and the host fix once per
/// container instance per window.
/// <para>
/// Why DynamoDB conditional writes and not SSM's ClientToken alone: SSM keeps a token for an
/// undocumented time, and one token per call cannot say "one host fix per instance per window" without
/// bucket edges (two failures either side of a bucket boundary would fix twice). A conditional write on
/// <c>event#task</c> and <c>instance#arn</c> is exact, cheap and visible. The ClientToken, derived from
/// the event key, is a second guard: a retry that resends a start within <see cref="ResendWithin"/> gets the
/// same execution back.
/// </para>
/// <para>
/// Ordering: the event claim is taken with a lease; the instance claim next; then the start is recorded on
/// both claims (write-ahead), the runbook is started, and the event claim is marked done. From the moment a
/// start may have reached SSM, nothing forgets it: if SSM refused it for the request's content (see
/// <see cref="IsRefusal"/>), both claims are released and the invocation raises, so the retry acts again; if SSM
/// answered every attempt with one of its limits, nothing was applied and the start is "later"
/// (<see cref="StartLaterException"/>): the instance claim is kept, the event claim goes back to unstarted, and the
/// event waits (docs/decisions/0008-flow-control-later-queue.md); if it succeeded or its outcome is unknown (a
/// timeout, a 5xx, a limit answered after such an attempt, marking done failed), both claims are kept and the
/// invocation raises. The retry takes the event claim over once the lease ends and resends the start with the
/// same ClientToken while the recorded start is younger than <see cref="ResendWithin"/>; after that it closes
/// the event without sending (<see cref="SkipCauses.StartRecorded"/>). Another event on the instance skips the
/// host fix only when the instance claim records a start; while the owner has not recorded one, it raises and
/// is retried, and once the owner's lease has ended without a start, it takes the instance claim over.
/// </para>
/// </summary>
public sealed class SsmActuator(
    IAmazonSimpleSystemsManagement ssm,
    IClaimStore claims,
    ActuatorSettings settings,
    TimeProvider? clock = null,
    Func<TimeSpan, CancellationToken, Task>? pause = null) : IActuator
{
    /// <summary>How long a pending claim keeps others out (<see cref="ClaimsTable.Lease"/>).</summary>
    public static readonly TimeSpan Lease = ClaimsTable.Lease;

    /// <summary>How long a done event claim is kept: beyond EventBridge's 24 h retry and Lambda's 6 h event age.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(2);

    /// <summary>
    /// How long after a recorded start a retry may send it again with the same ClientToken. Lambda's own
    /// asynchronous retries come 1 and 2 minutes after a failure; a later redrive (from the failure queue) is
    /// past this, and SSM might no longer recognise the token (an assumption: SSM documents no retention), so
    /// it closes the event rather than risk a second execution.
    /// </summary>
    public static readonly TimeSpan ResendWithin = TimeSpan.FromMinutes(10);

    readonly TimeProvider clock = clock ?? TimeProvider.System;
    readonly Func<TimeSpan, CancellationToken, Task> pause = pause ?? Task.Delay;

    /// <summary>
    /// The error codes the AWS SDKs' standard retry mode treats as throttling (AWS SDKs and Tools Reference Guide,
    /// "Retry behavior"; the same list as smithy-rs aws-runtime retries/classifiers.rs THROTTLING_ERRORS), and
    /// SSM's own limit on running and queued Automation executions (botocore ssm service-2.json,
    /// StartAutomationExecution's errors). Each answers a request SSM did not apply.
    /// </summary>
    static readonly FrozenSet<string> LimitErrors = FrozenSet.ToFrozenSet(
    [
        "AutomationExecutionLimitExceededException",
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ], StringComparer.Ordinal);

    /// <summary>Full-jitter exponential backoff between attempts of one start (AWS Architecture Blog, "Exponential Backoff And Jitter").</summary>
    static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(100);

    static readonly TimeSpan BackoffCap = TimeSpan.FromSeconds(2);

    public async Task<ActResult> ActAsync(Plan plan, CancellationToken cancellationToken)
    {
        var fix = plan.FixHost ?? throw new ArgumentException("only remediate plans with a fix-host action are acted on", nameof(plan));
        var now = clock.GetUtcNow();
        var eventKey = ClaimKeys.Event(plan);
        var holder = Guid.NewGuid().ToString("N");

        var claim = await claims.ClaimEventAsync(eventKey, holder, now, now + Lease, now + EventRetention, cancellationToken).ConfigureAwait(false);
        if (claim is EventClaim.Done done)
            return ActResult.Skipped(SkipCauses.Duplicate, $"duplicate event: {eventKey} was handled before ({done.Detail})");
        if (claim is EventClaim.Held held)
            throw new ClaimHeldException($"{eventKey} is being acted on by another invocation (claimed until {held.LeaseUntil:O}); raised so that the retry checks again");
        var earlierStart = ((EventClaim.Acquired)claim).StartedAt;

        if (earlierStart is { } at && now - at > ResendWithin)
        {
            var closed = $"start recorded at {at:O} by an earlier attempt, outcome unknown to it; not sent again after {ResendWithin.TotalMinutes:F0} minutes (SSM may no longer know its client token): check the runbook's executions";
            await claims.MarkEventDoneAsync(eventKey, holder, "closed: " + closed, now + EventRetention, cancellationToken).ConfigureAwait(false);
            return ActResult.Skipped(SkipCauses.StartRecorded, closed);
        }

        var instanceKey = ClaimKeys.Instance(fix.ContainerInstanceArn);
        var instanceClaimed = false;
        var mayBeApplied = false;
        try
        {
            var instance = await claims.ClaimInstanceAsync(instanceKey, eventKey, now, now + Lease, now + settings.HostFixWindow, cancellationToken).ConfigureAwait(false);
            instanceClaimed = instance.Acquired;
            var reschedule = plan.Reschedule is not null;

            if (!instance.Acquired && !instance.Started)
                throw new ClaimHeldException($"container instance {fix.ContainerInstanceArn}'s host fix is claimed by {instance.Owner}, which has not recorded a start yet; raised so that the retry checks again");
            if (!instance.Acquired && !reschedule)
            {
                var skipped = $"container instance {fix.ContainerInstanceArn} had its host fix started by {instance.Owner} (window until {instance.WindowEnd:O}); nothing else to do";
                await claims.MarkEventDoneAsync(eventKey, holder, "skipped: instance recently fixed", now + EventRetention, cancellationToken).ConfigureAwait(false);
                return ActResult.Skipped(SkipCauses.InstanceRecentlyFixed, skipped);
            }

            if (instance.Acquired) await claims.RecordInstanceStartAsync(instanceKey, eventKey, now, now + settings.HostFixWindow, cancellationToken).ConfigureAwait(false);
            if (earlierStart is null) await claims.RecordEventStartAsync(eventKey, holder, now, cancellationToken).ConfigureAwait(false);
            mayBeApplied = true;
            string? run;
            string detail;
            try
            {
                (run, detail) = await StartAsync(plan, instance.Acquired, eventKey, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonServiceException e) when (IsRefusal(e))
            {
                mayBeApplied = false;
                throw;
            }
            catch (StartLaterException) when (earlierStart is null)
            {
                // Nothing was applied: the event goes back to unstarted (so its retry sends it whenever it comes,
                // not only within ResendWithin) and keeps the instance, whose host fix stays this event's.
                await claims.DeferEventAsync(eventKey, holder, now, cancellationToken).ConfigureAwait(false);
                throw;
            }
            if (!instance.Acquired)
                detail += $"; host fix skipped: started by {instance.Owner} within the window";
            if (earlierStart is not null)
                detail += "; sent again with the same client token after an attempt whose outcome was unknown";
            var marked = await claims.MarkEventDoneAsync(eventKey, holder, $"acted: {run ?? "execution started earlier"}", now + EventRetention, cancellationToken).ConfigureAwait(false);
            if (!marked) detail += "; the claim was taken over by a retry after the lease ran out (the client token kept it to one execution)";

            return new ActResult(true, detail, run is null ? [] : [run])
            {
                HostFix = run is not null && instance.Acquired,
                Reschedule = run is not null && reschedule,
            };
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Claims are released only when no start of this event can have been applied; otherwise they are its record.
            if (!mayBeApplied && earlierStart is null)
            {
                await ReleaseQuietlyAsync(() => claims.ReleaseEventAsync(eventKey, holder, CancellationToken.None)).ConfigureAwait(false);
                if (instanceClaimed)
                    await ReleaseQuietlyAsync(() => claims.ReleaseInstanceAsync(instanceKey, eventKey, CancellationToken.None)).ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>
    /// SSM refused the start for what the request itself says, so no attempt of it was applied. The exception is the
    /// answer to the last attempt only: an earlier one may have timed out or got a 5xx after SSM applied it, and a
    /// retry of the same request is then refused only for SSM's state (too many executions, throttling, credentials
    /// that expired meanwhile). Errors the request's content decides (a runbook that does not exist, a
    /// parameter it does not declare, a value outside the model) answer every attempt alike; any other error leaves
    /// the start unknown (InvalidTarget too: it depends on the targets' state, and the function sends none).
    /// Error names: botocore's ssm model, StartAutomationExecution's errors, and the ValidationException every AWS
    /// JSON API answers for a request outside its model.
    /// </summary>
    static bool IsRefusal(AmazonServiceException e) =>
        e.StatusCode is >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError
        && e.ErrorCode is "ValidationException" or "AutomationDefinitionNotFoundException" or "AutomationDefinitionVersionNotFoundException"
            or "InvalidAutomationExecutionParametersException";

    async Task<(string? Run, string Detail)> StartAsync(Plan plan, bool fixHost, string eventKey, CancellationToken cancellationToken)
    {
        var request = AutomationStart.Request(plan, fixHost, settings.RunbookName, settings.AutomationRoleArn);
        var what = (fixHost, plan.Reschedule is not null) switch
        {
            (true, true) => "host fix and reschedule",
            (true, false) => "host fix",
            _ => "reschedule",
        };
        // The attempts are made here, not by the SDK (AwsClients gives SSM clients no retries of their own), so that
        // a limit answered to every attempt is known to have started nothing: an attempt that timed out or got a 5xx
        // may have been applied, and a limit answered after it says nothing about it.
        var unknown = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await ssm.StartAutomationExecutionAsync(request, cancellationToken).ConfigureAwait(false);
                return (response.AutomationExecutionId, $"started {settings.RunbookName} ({what}): {response.AutomationExecutionId}");
            }
            catch (IdempotentParameterMismatchException)
            {
                // An earlier attempt of this event started an execution with this token, with other parameters
                // (the instance's window changed hands since): that execution is this event's action.
                return (null, $"{settings.RunbookName} was already started for {eventKey} by an earlier attempt (same client token)");
            }
            catch (AmazonServiceException e) when (LimitErrors.Contains(e.ErrorCode ?? ""))
            {
                // Running executions end in minutes: only a rate limit is worth another attempt now.
                var rate = e.ErrorCode != "AutomationExecutionLimitExceededException";
                if (rate && attempt < settings.StartAttempts)
                {
                    await pause(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (unknown) throw;
                throw new StartLaterException(
                    $"later: SSM answered {e.ErrorCode} to all {attempt} attempt(s) of the {what} start of {eventKey}; nothing was started, the claims are kept and the retry starts it", e);
            }
            catch (Exception e) when (MayHaveBeenApplied(e) && attempt < settings.StartAttempts && !cancellationToken.IsCancellationRequested)
            {
                unknown = true;
                await pause(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A timeout, a connection lost or a 5xx: SSM may have applied the attempt.</summary>
    static bool MayHaveBeenApplied(Exception e) =>
        e is AmazonServiceException service
            ? service.StatusCode >= HttpStatusCode.InternalServerError
            : e is AmazonClientException or HttpRequestException or OperationCanceledException or TimeoutException or IOException;

    static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * Math.Min(BackoffCap.Ticks, BackoffBase.Ticks * (1L << Math.Min(attempt - 1, 20)))));

    static async Task ReleaseQuietlyAsync(Func<Task> release)
    {
        try
        {
            await release().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The original failure is what the invocation raises; an unreleased claim ends with its lease.
        }
    }
}

/// <summary>Another invocation holds the event's claim: raised so the event is retried, never dropped.</summary>
public sealed class ClaimHeldException(string message) : Exception(message);
