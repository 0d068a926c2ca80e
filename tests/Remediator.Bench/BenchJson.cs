using System.Text.Json.Serialization;

namespace Remediator.Bench;

/// <summary>The burst's last stdout line.</summary>
public sealed record BurstResult(
    [property: JsonPropertyName("events")] int Events,
    [property: JsonPropertyName("instances")] int Instances,
    [property: JsonPropertyName("duplicates")] int Duplicates,
    [property: JsonPropertyName("fix_host_runs")] int FixHostRuns,
    [property: JsonPropertyName("reschedules")] int Reschedules,
    [property: JsonPropertyName("acted_twice")] int ActedTwice,
    [property: JsonPropertyName("lost")] int Lost,
    [property: JsonPropertyName("events_per_s")] double EventsPerSecond,
    [property: JsonPropertyName("p50_us")] double P50Microseconds,
    [property: JsonPropertyName("p99_us")] double P99Microseconds)
{
    /// <summary>What was injected into SSM starts: throttle, error-after-apply or timeout-after-apply.</summary>
    [JsonPropertyName("fault")]
    public string Fault { get; init; } = "throttle";

    [JsonPropertyName("start_faults")]
    public int StartFaults { get; init; }

    /// <summary>Invocations that raised (each retried as Lambda would, a few minutes later).</summary>
    [JsonPropertyName("raised")]
    public int Raised { get; init; }

    [JsonPropertyName("left_for_failure_destination")]
    public int LeftForFailureDestination { get; init; }
}

/// <summary>The coldstart's last stdout line: medians in milliseconds from process start to the first handled event.</summary>
public sealed record ColdStartResult(
    [property: JsonPropertyName("runs")] int Runs,
    [property: JsonPropertyName("bare_ms")] double BareMs,
    [property: JsonPropertyName("remediator_r2r_ms")] double RemediatorReadyToRunMs,
    [property: JsonPropertyName("remediator_jit_ms")] double RemediatorJitMs,
    [property: JsonPropertyName("ratio")] double Ratio,
    [property: JsonPropertyName("ratio_jit")] double RatioJit);

/// <summary>The storm's last stdout line (tests/run-all.sh reads it).</summary>
public sealed record StormResult(
    [property: JsonPropertyName("accounts")] int Accounts,
    [property: JsonPropertyName("regions")] int Regions,
    [property: JsonPropertyName("instances_at_risk")] int InstancesAtRisk,
    [property: JsonPropertyName("events")] int Events,
    [property: JsonPropertyName("seconds_to_all_fixed")] double SecondsToAllFixed,
    [property: JsonPropertyName("started_twice")] int StartedTwice,
    [property: JsonPropertyName("lost")] int Lost,
    [property: JsonPropertyName("in_failure_queue")] int InFailureQueue,
    [property: JsonPropertyName("assume_role_calls")] int AssumeRoleCalls,
    [property: JsonPropertyName("cpu_ms_per_event")] double CpuMsPerEvent,
    [property: JsonPropertyName("dynamodb_writes_per_event")] double DynamoDbWritesPerEvent)
{
    [JsonPropertyName("invocations")]
    public int Invocations { get; init; }

    [JsonPropertyName("later_queue_sends")]
    public int LaterQueueSends { get; init; }

    [JsonPropertyName("starts_refused_for_a_limit")]
    public int StartsRefusedForALimit { get; init; }

    [JsonPropertyName("wall_seconds")]
    public double WallSeconds { get; init; }

    [JsonPropertyName("seconds_to_other_accounts_fixed")]
    public double SecondsToOtherAccountsFixed { get; init; }

    /// <summary>cpu_ms_per_event less the endpoint's share, measured by replaying its requests: a lower bound of the function's own.</summary>
    [JsonPropertyName("cpu_ms_per_event_without_endpoint")]
    public double CpuMsPerEventWithoutEndpoint { get; init; }
}

[JsonSerializable(typeof(BurstResult))]
[JsonSerializable(typeof(StormResult))]
[JsonSerializable(typeof(ColdStartResult))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
