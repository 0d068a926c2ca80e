using Remediation.Contracts;
using System.Diagnostics;
using System.Text.Json;
using LocalAws;
using Remediator.Planning;

namespace Remediator.Bench;

/// <summary>
/// <c>burst</c>: replays a cluster-wide failure through <see cref="Function.Handle"/> with the real SDK
/// clients against the local SSM and DynamoDB endpoint, as many handler calls at once as the function's
/// reserved concurrency, with faults injected: throttling (default), or starts and claim updates that were
/// applied and then answered with a 500 or not at all (a timeout). Counts what was done from the endpoint's
/// records, not from the Remediator's own counters.
/// </summary>
public static class Burst
{
    const string Runbook = "EcsDnsRemediation-FixHost";
    const string Table = "remediation-claims";

    static readonly string[] RunbookParameters =
    [
        "AutomationAssumeRole", "ClusterArn", "ContainerInstanceArn", "FixHost", "Resolver", "VerifyHost", "Reschedule",
        "TaskDefinitionArn", "Group", "StartedBy", "CapacityProvider", "Subnets", "SecurityGroups", "ContainerOverrides",
        "NotificationTopicArn",
    ];

    public sealed record Options(int Events = 10_000, int Instances = 500, double Duplicates = 0.06, double Standalone = 0.4,
        int Concurrency = 10, double ThrottleRate = 0.02, int LambdaRetries = 2, string Fault = "throttle");

    /// <summary>Lambda's asynchronous retries: one minute after the first failure, two after the second.</summary>
    static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        Console.Error.WriteLine($"burst: {options.Events} failures over {options.Instances} container instances, {options.Duplicates:P0} redelivered, " +
                                $"{options.Standalone:P0} standalone; concurrency {options.Concurrency}; {options.Fault} on {options.ThrottleRate:P0} of SSM starts, " +
                                $"throttling on {options.ThrottleRate / 2:P0} of claim writes");
        var startFault = options.Fault switch
        {
            "throttle" => FaultKind.Throttle,
            "error-after-apply" => FaultKind.InternalErrorAfterApply,
            "timeout-after-apply" => FaultKind.TimeoutAfterApply,
            _ => throw new ArgumentException($"unknown fault {options.Fault}: throttle, error-after-apply or timeout-after-apply"),
        };
        var events = BurstCorpus.Create(options.Events, options.Instances, options.Duplicates, options.Standalone);

        // Real time plus the retry delays: Lambda's retries come minutes later, after the claims' lease.
        var clock = new ShiftedClock();
        await using var endpoint = await LocalAwsEndpoint.StartAsync(clock);
        endpoint.Ssm.RegisterAutomationDocument(Runbook, RunbookParameters);
        endpoint.Dynamo.CreateTable(Table);
        // SSM and DynamoDB may send x-amz-retry-after; here it stands in for a short backoff so the run stays
        // short, while every throttled call still goes through the SDK's retry path.
        endpoint.RetryAfter = TimeSpan.FromMilliseconds(20);
        endpoint.Faults.InjectRate("StartAutomationExecution", startFault, options.ThrottleRate, seed: 7)
            .InjectRate("PutItem", FaultKind.Throttle, options.ThrottleRate / 2, seed: 8);
        if (startFault != FaultKind.Throttle)
            endpoint.Faults.InjectRate("UpdateItem", startFault, options.ThrottleRate / 2, seed: 9);

        var environment = new Dictionary<string, string?>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = endpoint.Url,
            ["AWS_ACCESS_KEY_ID"] = "bench",
            ["AWS_SECRET_ACCESS_KEY"] = "bench",
            [RemediatorEnvironment.SafeCapacityProvider] = "safe-capacity",
            ["REMEDIATOR_RUNBOOK_NAME"] = Runbook,
            ["REMEDIATOR_CLAIMS_TABLE"] = Table,
            ["REMEDIATOR_AUTOMATION_ROLE_ARN"] = $"arn:aws:iam::{BurstCorpus.Account}:role/remediation-automation",
        };
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), TextWriter.Null, clock);

        var latencies = new long[events.Count * (options.LambdaRetries + 1)];
        var measured = 0;
        var wall = Stopwatch.StartNew();
        var pending = events.ToList();
        var failedInvocations = 0;
        for (var round = 0; round <= options.LambdaRetries && pending.Count > 0; round++)
        {
            if (round > 0)
            {
                clock.Shift += RetryDelays[round - 1];
                Console.Error.WriteLine($"burst: asynchronous retry {round}, {clock.Shift.TotalMinutes:F0} min later: {pending.Count} event(s) whose invocation raised");
            }
            var failed = new System.Collections.Concurrent.ConcurrentBag<BurstEvent>();
            var next = -1;
            using var progress = new Timer(_ => Console.Error.WriteLine(
                $"burst: {Math.Min(Volatile.Read(ref next) + 1, pending.Count)}/{pending.Count} handled, {wall.Elapsed.TotalSeconds:F1} s"), null, 1000, 1000);
            var batch = pending;
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < batch.Count; i = Interlocked.Increment(ref next))
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await using var response = await function.Handle(new MemoryStream(batch[i].Json, writable: false));
                    }
                    catch (Exception)
                    {
                        failed.Add(batch[i]);
                        Interlocked.Increment(ref failedInvocations);
                    }
                    latencies[Interlocked.Increment(ref measured) - 1] = Stopwatch.GetTimestamp() - started;
                }
            })));
            pending = failed.ToList();
        }
        var elapsed = wall.Elapsed;

        var executions = endpoint.Ssm.Executions;
        var fixes = executions.Where(e => e.Parameter("FixHost") == "yes").GroupBy(e => e.Parameter("ContainerInstanceArn")).ToDictionary(g => g.Key, g => g.Count());
        var reschedules = executions.Where(e => e.Parameter("Reschedule") == "yes").GroupBy(e => e.Parameter("TaskDefinitionArn")).ToDictionary(g => g.Key, g => g.Count());
        var uniques = events.Where(e => !e.Duplicate).ToList();
        var instances = uniques.Select(e => e.Instance).Distinct().ToList();
        var standalone = uniques.Where(e => e.Standalone).ToList();
        var actedTwice = fixes.Values.Sum(n => n - 1) + reschedules.Values.Sum(n => n - 1);
        // Lost: nothing started and no event left in the failure destination to say so (those are kept, not lost).
        var kept = pending.ToList();
        var lost = instances.Count(i => !fixes.ContainsKey(BurstCorpus.InstanceArn(i)) && !kept.Any(e => e.Instance == i))
                   + standalone.Count(e => !reschedules.ContainsKey(BurstCorpus.TaskDefinitionArn(e.Unique)) && !kept.Any(k => k.Unique == e.Unique));

        var sorted = latencies.AsSpan(0, measured).ToArray();
        Array.Sort(sorted);
        double Percentile(double p) => Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))] * 1_000_000.0 / Stopwatch.Frequency);

        var starts = endpoint.RequestsOf("StartAutomationExecution").ToList();
        Console.Error.WriteLine($"burst: {elapsed.TotalSeconds:F1} s; {starts.Count} StartAutomationExecution calls ({starts.Count(r => r.Injected)} with {options.Fault}), " +
                                $"{executions.Count} executions; {endpoint.RequestsOf("PutItem").Count(r => r.Injected)} claim writes throttled; " +
                                $"{failedInvocations} invocation(s) raised and were retried; {pending.Count} left for the failure destination");
        Console.WriteLine(JsonSerializer.Serialize(new BurstResult(
            events.Count, instances.Count, events.Count(e => e.Duplicate), fixes.Values.Sum(), reschedules.Values.Sum(), actedTwice, lost,
            Math.Round(events.Count / elapsed.TotalSeconds, 1), Percentile(0.50), Percentile(0.99))
        {
            Fault = options.Fault,
            StartFaults = starts.Count(r => r.Injected),
            Raised = failedInvocations,
            LeftForFailureDestination = pending.Count,
        }, BenchJsonContext.Default.BurstResult));
        return actedTwice == 0 && lost == 0 ? 0 : 1;
    }

    static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--events" => options with { Events = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--instances" => options with { Instances = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--concurrency" => options with { Concurrency = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--throttle" or "--rate" => options with { ThrottleRate = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--fault" => options with { Fault = value },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return options;
    }
}

/// <summary>The system clock shifted forward by the retry delays that passed.</summary>
sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Shift { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
}
