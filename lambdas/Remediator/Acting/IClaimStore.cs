namespace Remediator.Acting;

/// <summary>
/// Idempotency claims (the claims table). Every write is conditional, so two invocations racing for the
/// same key cannot both win. Times are passed in, so the store holds no clock.
/// <para>
/// A start is recorded before it is sent (<see cref="RecordEventStartAsync"/>, <see cref="RecordInstanceStartAsync"/>)
/// and the record is only removed when SSM refused the start: a start that succeeded, or whose outcome is
/// unknown, is never forgotten.
/// </para>
/// </summary>
public interface IClaimStore
{
    /// <summary>
    /// Takes the event's claim for <paramref name="holder"/> until <paramref name="leaseUntil"/>: wins when there is
    /// no claim, or the previous holder's lease ran out without marking it done (it crashed or raised). A claim
    /// taken over keeps the time an earlier attempt recorded its start.
    /// </summary>
    Task<EventClaim> ClaimEventAsync(string key, string holder, DateTimeOffset now, DateTimeOffset leaseUntil,
        DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="holder"/> is about to start the event's execution; throws <see cref="ClaimHeldException"/> when the claim is no longer its own.</summary>
    Task RecordEventStartAsync(string key, string holder, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>Marks the event done (kept until <paramref name="expiresAt"/>); false when another holder took the claim over.</summary>
    Task<bool> MarkEventDoneAsync(string key, string holder, string detail, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// The start was refused for a limit before any attempt could be applied: the event's claim goes back to
    /// unstarted (state later, no start recorded) with its lease ended at <paramref name="now"/>, so its retry takes
    /// it over and sends the start whenever it comes. Throws <see cref="ClaimHeldException"/> when the claim is no longer its own.
    /// </summary>
    Task DeferEventAsync(string key, string holder, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the event's claim if <paramref name="holder"/> still holds it and has not marked it done.</summary>
    Task ReleaseEventAsync(string key, string holder, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the container instance's host fix for <paramref name="owner"/> (an event key) until
    /// <paramref name="windowEnd"/>: wins when unclaimed, when the last window ended, when the same event claimed
    /// it, or when the owner recorded no start and its lease (<paramref name="leaseUntil"/> when it claimed) ran out.
    /// </summary>
    Task<InstanceClaim> ClaimInstanceAsync(string key, string owner, DateTimeOffset now, DateTimeOffset leaseUntil,
        DateTimeOffset windowEnd, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="owner"/> is about to start the instance's host fix, its window now ending at
    /// <paramref name="windowEnd"/> (a window counts from the start: an owner may have waited for SSM's limits);
    /// throws <see cref="ClaimHeldException"/> when the claim is no longer its own.
    /// </summary>
    Task RecordInstanceStartAsync(string key, string owner, DateTimeOffset startedAt, DateTimeOffset windowEnd, CancellationToken cancellationToken);

    /// <summary>Deletes the instance's claim if <paramref name="owner"/> holds it.</summary>
    Task ReleaseInstanceAsync(string key, string owner, CancellationToken cancellationToken);
}

/// <summary>The result of claiming an event.</summary>
public abstract record EventClaim
{
    /// <summary>This invocation holds the claim and acts.</summary>
    /// <param name="StartedAt">When an earlier attempt recorded its start (its outcome unknown here), or null.</param>
    public sealed record Acquired(DateTimeOffset? StartedAt = null) : EventClaim;

    /// <summary>The event was handled before: a duplicate.</summary>
    public sealed record Done(string Detail) : EventClaim;

    /// <summary>Another invocation is acting on it now (or crashed while doing so) until the lease ends.</summary>
    public sealed record Held(DateTimeOffset LeaseUntil) : EventClaim;
}

/// <param name="Acquired">True when this event runs the host fix.</param>
/// <param name="Owner">The event key holding the instance's window.</param>
/// <param name="Started">True when the owner recorded the start of the host fix (it was sent, or is about to be).</param>
public sealed record InstanceClaim(bool Acquired, string Owner, DateTimeOffset WindowEnd, bool Started);
