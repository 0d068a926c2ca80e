namespace Remediator.Acting;

/// <summary>
/// Idempotency claims (the claims table). Every write is conditional, so two invocations racing for the
/// same key cannot both win. Times are passed in, so the store holds no clock.
/// </summary>
public interface IClaimStore
{
    /// <summary>
    /// Takes the event's claim as pending for <paramref name="holder"/> until <paramref name="leaseUntil"/>: wins
    /// when there is no claim, or the previous holder's lease ran out without marking it done (it crashed).
    /// </summary>
    Task<EventClaim> ClaimEventAsync(string key, string holder, DateTimeOffset now, DateTimeOffset leaseUntil,
        DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Marks the event done (kept until <paramref name="expiresAt"/>); false when another holder took the claim over.</summary>
    Task<bool> MarkEventDoneAsync(string key, string holder, string detail, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Deletes the event's claim if <paramref name="holder"/> still holds it pending.</summary>
    Task ReleaseEventAsync(string key, string holder, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the container instance's host fix for <paramref name="owner"/> (an event key) until
    /// <paramref name="windowEnd"/>: wins when unclaimed, when the last window ended, or when the same event claimed it.
    /// </summary>
    Task<InstanceClaim> ClaimInstanceAsync(string key, string owner, DateTimeOffset now, DateTimeOffset windowEnd,
        CancellationToken cancellationToken);

    /// <summary>Deletes the instance's claim if <paramref name="owner"/> holds it.</summary>
    Task ReleaseInstanceAsync(string key, string owner, CancellationToken cancellationToken);
}

/// <summary>The result of claiming an event.</summary>
public abstract record EventClaim
{
    /// <summary>This invocation holds the claim and acts.</summary>
    public sealed record Acquired : EventClaim;

    /// <summary>The event was handled before: a duplicate.</summary>
    public sealed record Done(string Detail) : EventClaim;

    /// <summary>Another invocation is acting on it now (or crashed while doing so) until the lease ends.</summary>
    public sealed record Held(DateTimeOffset LeaseUntil) : EventClaim;
}

/// <param name="Acquired">True when this event runs the host fix.</param>
/// <param name="Owner">The event key holding the instance's window.</param>
public sealed record InstanceClaim(bool Acquired, string Owner, DateTimeOffset WindowEnd);
