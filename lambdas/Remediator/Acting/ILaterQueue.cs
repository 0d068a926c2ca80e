namespace Remediator.Acting;

/// <summary>
/// Where an event waits when SSM refused its start for a limit (<see cref="Pipeline.StartLaterException"/>): it comes back
/// to the function after <c>delay</c>, as the same event, with how often and since when it waited.
/// </summary>
public interface ILaterQueue
{
    Task SendAsync(string @event, LaterMark mark, TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>How often an event waited (<paramref name="Later"/>, 1 for the first time) and since when (<paramref name="Since"/>).</summary>
public sealed record LaterMark(int Later, DateTimeOffset Since);
