using System.Net;

namespace LocalAws;

/// <summary>What an injected fault answers.</summary>
public enum FaultKind
{
    /// <summary>HTTP 400 ThrottlingException (DynamoDB: ProvisionedThroughputExceeded-like throttling), before the request is applied.</summary>
    Throttle,

    /// <summary>HTTP 500 InternalServerError, before the request is applied.</summary>
    InternalError,

    /// <summary>HTTP 503 ServiceUnavailable, before the request is applied.</summary>
    Unavailable,

    /// <summary>The request is applied, then HTTP 500 is answered: the ambiguous failure idempotency must survive.</summary>
    InternalErrorAfterApply,

    /// <summary>The request is applied, then nothing is answered until the client gives up: a timeout whose request took effect.</summary>
    TimeoutAfterApply,

    /// <summary>
    /// HTTP 400 AutomationExecutionLimitExceededException (SSM; botocore ssm model, StartAutomationExecution's errors),
    /// before the request is applied: a refusal that depends on the service's state, not on the request.
    /// </summary>
    AutomationLimit,
}

/// <summary>
/// Faults injected per operation ("StartAutomationExecution", "PutItem", or "*" for all): a fixed number of
/// times, or at a rate from a seeded generator (deterministic), plus an added latency. Thread-safe.
/// </summary>
public sealed class Faults
{
    readonly Lock gate = new();
    readonly Dictionary<string, List<Rule>> rules = new(StringComparer.Ordinal);
    readonly Dictionary<string, TimeSpan> latencies = new(StringComparer.Ordinal);

    sealed class Rule(FaultKind kind, int times, double rate, Random random, int after = 0)
    {
        public FaultKind Kind { get; } = kind;
        public int After { get; set; } = after;
        public int Times { get; set; } = times;
        public double Rate { get; } = rate;
        public Random Random { get; } = random;
    }

    /// <summary>
    /// After <paramref name="after"/> more calls pass, the next <paramref name="times"/> calls of the operation fail;
    /// int.MaxValue is an outage until <see cref="Clear"/>.
    /// </summary>
    public Faults Inject(string operation, FaultKind kind, int times = 1, int after = 0)
    {
        lock (gate) rules[operation] = [new Rule(kind, times, 0, new Random(0), after)];
        return this;
    }

    /// <summary>Once the faults injected for the operation are used up, the next <paramref name="times"/> calls fail with <paramref name="kind"/>.</summary>
    public Faults Then(string operation, FaultKind kind, int times = 1)
    {
        lock (gate)
        {
            if (!rules.TryGetValue(operation, out var sequence)) rules[operation] = sequence = [];
            sequence.Add(new Rule(kind, times, 0, new Random(0)));
        }
        return this;
    }

    /// <summary>Each call of the operation fails with probability <paramref name="rate"/>, drawn from a generator seeded with <paramref name="seed"/>.</summary>
    public Faults InjectRate(string operation, FaultKind kind, double rate, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1.0);
        lock (gate) rules[operation] = [new Rule(kind, 0, rate, new Random(seed))];
        return this;
    }

    /// <summary>Every call of the operation is answered after <paramref name="delay"/>.</summary>
    public Faults Delay(string operation, TimeSpan delay)
    {
        lock (gate) latencies[operation] = delay;
        return this;
    }

    /// <summary>Removes every fault and latency (the outage is over).</summary>
    public void Clear()
    {
        lock (gate)
        {
            rules.Clear();
            latencies.Clear();
        }
    }

    internal TimeSpan LatencyFor(string operation)
    {
        lock (gate)
            return latencies.TryGetValue(operation, out var d) ? d : latencies.GetValueOrDefault("*");
    }

    internal FaultKind? Next(string operation)
    {
        lock (gate)
        {
            if (!rules.TryGetValue(operation, out var sequence) && !rules.TryGetValue("*", out sequence)) return null;
            var rule = sequence.FirstOrDefault(r => r.Rate > 0 || r.Times > 0);
            if (rule is null) return null;
            if (rule.Rate > 0) return rule.Random.NextDouble() < rule.Rate ? rule.Kind : null;
            if (rule.After > 0)
            {
                rule.After--;
                return null;
            }
            if (rule.Times != int.MaxValue) rule.Times--;
            return rule.Kind;
        }
    }

    internal static AwsError ErrorOf(FaultKind kind, string service) => kind switch
    {
        FaultKind.Throttle => service == "dynamodb"
            ? new AwsError(HttpStatusCode.BadRequest, "com.amazonaws.dynamodb.v20120810#ThrottlingException", "Rate of requests exceeds the allowed throughput.")
            : AwsError.Throttling(),
        FaultKind.Unavailable => AwsError.Internal(HttpStatusCode.ServiceUnavailable),
        FaultKind.AutomationLimit => new AwsError(HttpStatusCode.BadRequest, "AutomationExecutionLimitExceededException",
            "The number of simultaneously running Automation executions exceeded the allowable limit."),
        _ => AwsError.Internal(),
    };
}
