using System.Net;

namespace LocalAws;

/// <summary>
/// Automation's limits per account and Region, as SSM applies them to StartAutomationExecution:
/// <list type="bullet">
/// <item>at most <see cref="Concurrent"/> executions run at once; a start beyond that waits in a queue (status
/// Pending) of at most <see cref="Queued"/> and runs when a running one ends. AWS Systems Manager User Guide,
/// "Allowing Automation to adapt to your concurrency needs" (adaptive-concurrency.html: "up to 100 concurrent
/// automations", 500 with adaptive concurrency) and "Automation concepts" / "Running automations" ("Automation
/// queue quota ... Each AWS account can queue 1,000 automations").</item>
/// <item>a start that finds both full is refused with AutomationExecutionLimitExceededException, HTTP 400 (botocore's
/// ssm service-2.json lists it among StartAutomationExecution's errors: "The number of simultaneously running
/// Automation executions exceeded the allowable limit").</item>
/// <item>starts beyond <see cref="StartsPerSecond"/> (a token bucket of <see cref="Burst"/>) are refused with
/// ThrottlingException, HTTP 400, "Rate exceeded" (the shape is in the same model; every AWS JSON API answers it).</item>
/// </list>
/// An execution here runs for <see cref="Duration"/> of the endpoint's clock, so a fake clock simulates minutes
/// without waiting. We found no published figure for StartAutomationExecution's request rate (Service Quotas lists
/// Systems Manager's API rates as adjustable, without defaults in the user guide), so no rate is enforced unless a
/// test or the storm bench sets one.
/// </summary>
public sealed record AutomationQuotas
{
    /// <summary>Executions running at once per account and Region (AWS's default).</summary>
    public int Concurrent { get; init; } = 100;

    /// <summary>Executions waiting (Pending) per account and Region beyond the running ones (AWS's default).</summary>
    public int Queued { get; init; } = 1000;

    /// <summary>Sustained StartAutomationExecution calls per second per account and Region; null: no rate limit (see above).</summary>
    public double? StartsPerSecond { get; init; }

    /// <summary>Calls the rate allows at once after a quiet period.</summary>
    public int Burst { get; init; } = 1;

    /// <summary>How long one execution runs once it has a slot (the runbook's host fix and reschedule take minutes).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>The state of <see cref="AutomationQuotas"/> for one account and Region. Not thread-safe: the SSM service calls it under its lock.</summary>
sealed class AutomationScope(AutomationQuotas quotas)
{
    // When each slot is next free; a new execution takes the earliest (the executions' equal durations keep it first in, first out).
    readonly PriorityQueue<int, DateTimeOffset> slots = InitialSlots(quotas.Concurrent);
    readonly List<(DateTimeOffset Begin, DateTimeOffset End)> admitted = [];
    double tokens = quotas.Burst;
    DateTimeOffset? refilled;

    static PriorityQueue<int, DateTimeOffset> InitialSlots(int count)
    {
        var queue = new PriorityQueue<int, DateTimeOffset>();
        for (var i = 0; i < count; i++) queue.Enqueue(i, DateTimeOffset.MinValue);
        return queue;
    }

    /// <summary>Takes one call from the rate; throws ThrottlingException when none is left.</summary>
    public void Call(DateTimeOffset now)
    {
        if (quotas.StartsPerSecond is not { } rate) return;
        if (refilled is { } last && now > last)
            tokens = Math.Min(quotas.Burst, tokens + (now - last).TotalSeconds * rate);
        refilled = now;
        if (tokens < 1) throw AwsError.Throttling();
        tokens -= 1;
    }

    /// <summary>Admits one execution started at <paramref name="now"/>: returns when it begins running (later than now when it waits in the queue).</summary>
    public DateTimeOffset Admit(DateTimeOffset now)
    {
        admitted.RemoveAll(e => e.End <= now);
        slots.TryPeek(out _, out var free);
        if (free > now && admitted.Count(e => e.Begin > now) >= quotas.Queued)
            throw new AwsError(HttpStatusCode.BadRequest, "AutomationExecutionLimitExceededException",
                $"The number of simultaneously running Automation executions exceeded the allowable limit ({quotas.Concurrent} running, {quotas.Queued} queued).");
        var slot = slots.Dequeue();
        var begin = free > now ? free : now;
        slots.Enqueue(slot, begin + quotas.Duration);
        admitted.Add((begin, begin + quotas.Duration));
        return begin;
    }

    /// <summary>Executions running at <paramref name="now"/>.</summary>
    public int Running(DateTimeOffset now) => admitted.Count(e => e.Begin <= now && now < e.End);
}
