namespace Remediator.Pipeline;

/// <summary>
/// How long an event whose start SSM refused for a limit waits before it is handled again, and for how long it may
/// keep waiting. Plain time arithmetic: the queue that carries it is <see cref="Acting.ILaterQueue"/>.
/// <para>
/// Why a queue of our own and not Lambda's asynchronous retries: those are two, one and two minutes after the
/// failure (AWS Lambda Developer Guide, "Configuring error handling for asynchronous invocation"), then the event
/// goes to the failure queue; Automation's executions take minutes each, so a storm that fills an account's
/// Automation slots and queue outlasts them. A delayed message lasts as long as this policy says.
/// </para>
/// </summary>
public static class LaterPolicy
{
    /// <summary>The first wait: about one execution's time.</summary>
    public static readonly TimeSpan First = TimeSpan.FromMinutes(1);

    /// <summary>SQS's longest message delay, DelaySeconds 900 (Amazon SQS API Reference, SendMessage).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(15);

    /// <summary>
    /// As long as Lambda keeps an asynchronous event (MaximumEventAgeInSeconds, at most 21,600 s: the function's
    /// own MaxEventAge): past it the event fails its invocation, and the failure queue keeps it.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(6);

    /// <summary>
    /// The wait before the <paramref name="later"/>-th try (0 for the first deferral): doubling from
    /// <see cref="First"/> up to <see cref="Longest"/>, then drawn between half and all of it (jitter, so that the
    /// events of one storm do not come back together), in whole seconds as SQS takes them.
    /// </summary>
    public static TimeSpan Delay(int later, double random)
    {
        var ceiling = Math.Min(Longest.TotalSeconds, First.TotalSeconds * Math.Pow(2, Math.Min(later, 16)));
        return TimeSpan.FromSeconds(Math.Ceiling(ceiling * (0.5 + 0.5 * Math.Clamp(random, 0, 1))));
    }

    /// <summary>Whether an event first deferred at <paramref name="since"/> may wait again at <paramref name="now"/>.</summary>
    public static bool MayWait(DateTimeOffset since, DateTimeOffset now) => now - since < MaxAge;
}
