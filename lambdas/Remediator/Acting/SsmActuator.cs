using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
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
/// <c>event#task#version</c> and <c>instance#arn</c> is exact, cheap and visible. The ClientToken, derived from
/// the event key, is a second guard: if an invocation crashes after the start and before marking the
/// claim done, its retry starts with the same token and SSM answers with the same execution.
/// </para>
/// <para>
/// Ordering (claim, act, then mark done; release on failure): the event claim is taken pending with a
/// lease; the instance claim next; the runbook is started; only then is the event claim marked done. A
/// failure releases both claims (the instance claim only if nothing started) and raises, so the
/// asynchronous retry acts again. A crash leaves a pending claim whose lease runs out, after which the
/// retry takes it over. An invocation that finds a live lease held by another raises rather than skips:
/// if that other one crashed, skipping would lose the event.
/// </para>
/// </summary>
public sealed class SsmActuator(
    IAmazonSimpleSystemsManagement ssm,
    IClaimStore claims,
    ActuatorSettings settings,
    TimeProvider? clock = null) : IActuator
{
    /// <summary>
    /// How long a pending event claim keeps others out. Longer than an invocation may run (the function's
    /// timeout must be shorter), and no longer than Lambda's first asynchronous retry delay (one minute),
    /// so the retry of a crashed invocation can take over.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    /// <summary>How long a done event claim is kept: beyond EventBridge's 24 h retry and Lambda's 6 h event age.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(2);

    readonly TimeProvider clock = clock ?? TimeProvider.System;

    public async Task<ActResult> ActAsync(Plan plan, CancellationToken cancellationToken)
    {
        var fix = plan.FixHost ?? throw new ArgumentException("only remediate plans with a fix-host action are acted on", nameof(plan));
        var now = clock.GetUtcNow();
        var eventKey = ClaimKeys.Event(plan);
        var holder = Guid.NewGuid().ToString("N");

        switch (await claims.ClaimEventAsync(eventKey, holder, now, now + Lease, now + EventRetention, cancellationToken).ConfigureAwait(false))
        {
            case EventClaim.Done done:
                return ActResult.Skipped(SkipCauses.Duplicate, $"duplicate event: {eventKey} was handled before ({done.Detail})");
            case EventClaim.Held held:
                throw new ClaimHeldException($"{eventKey} is being acted on by another invocation (claimed until {held.LeaseUntil:O}); raised so that the retry checks again");
        }

        var instanceKey = ClaimKeys.Instance(fix.ContainerInstanceArn);
        var instanceClaimed = false;
        var started = false;
        try
        {
            var instance = await claims.ClaimInstanceAsync(instanceKey, eventKey, now, now + settings.HostFixWindow, cancellationToken).ConfigureAwait(false);
            instanceClaimed = instance.Acquired;
            var reschedule = plan.Reschedule is not null;

            if (!instance.Acquired && !reschedule)
            {
                var skipped = $"container instance {fix.ContainerInstanceArn} had its host fix started by {instance.Owner} (window until {instance.WindowEnd:O}); nothing else to do";
                await claims.MarkEventDoneAsync(eventKey, holder, "skipped: instance recently fixed", now + EventRetention, cancellationToken).ConfigureAwait(false);
                return ActResult.Skipped(SkipCauses.InstanceRecentlyFixed, skipped);
            }

            var (run, detail) = await StartAsync(plan, instance.Acquired, eventKey, cancellationToken).ConfigureAwait(false);
            started = true;
            if (!instance.Acquired)
                detail += $"; host fix skipped: started by {instance.Owner} within the window";
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
            await ReleaseQuietlyAsync(() => claims.ReleaseEventAsync(eventKey, holder, CancellationToken.None)).ConfigureAwait(false);
            if (instanceClaimed && !started)
                await ReleaseQuietlyAsync(() => claims.ReleaseInstanceAsync(instanceKey, eventKey, CancellationToken.None)).ConfigureAwait(false);
            throw;
        }
    }

    async Task<(string? Run, string Detail)> StartAsync(Plan plan, bool fixHost, string eventKey, CancellationToken cancellationToken)
    {
        var request = AutomationStart.Request(plan, fixHost, settings.RunbookName, settings.AutomationRoleArn);
        var what = (fixHost, plan.Reschedule is not null) switch
        {
            (true, true) => "host fix and reschedule",
            (true, false) => "host fix",
            _ => "reschedule",
        };
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
    }

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
