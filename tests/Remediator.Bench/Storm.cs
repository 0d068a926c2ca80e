using Remediation.Contracts;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalAws;
using Remediator.Acting;
using Remediator.Pipeline;

namespace Remediator.Bench;

/// <summary>
/// <c>storm</c>: a failure storm across an organization, in simulated time. N member accounts × R Regions, each
/// with M at-risk container instances; every instance fails a task launch every two minutes until its host fix has
/// run. Every failure is an ECS event delivered (at least once) to the hub's real <see cref="Function"/>, configured
/// as the organization hub: moto's STS issues the member roles' credentials; the local endpoint is SSM (enforcing
/// Automation's limits per account and Region, <see cref="AutomationQuotas"/>) and DynamoDB (moto). What the
/// function's surroundings do is simulated on the same clock: Lambda's asynchronous retries (1 and 2 minutes, then
/// the failure queue), the later queue's delayed messages (redelivered after the visibility timeout, five receives,
/// then the failure queue), an execution ending <c>--duration</c> after it got its slot.
/// <para>
/// Counted from the endpoint's and moto's records, not from the Remediator's counters: an instance is fixed when
/// its first host-fix execution ends; started twice is any second host-fix execution of an instance; lost is an
/// instance never fixed with none of its events in the failure queue. <c>--noisy N</c> gives the first account N
/// instances per Region instead of M: <c>seconds_to_other_accounts_fixed</c> then shows whether its storm delayed the others.
/// Not simulated: the function's own concurrency (an invocation takes no simulated time). <c>cpu_ms_per_event</c> is
/// this process's CPU per event (the function and the in-process SSM endpoint; moto runs in its own process): an
/// upper bound of the function's own; <c>cpu_ms_per_event_without_endpoint</c> subtracts a replay of the endpoint's
/// requests (<see cref="ReplayCpuAsync"/>): a lower bound.
/// </para>
/// </summary>
public static class Storm
{
    const string HubRunbook = "EcsDnsRemediation-Remediate";
    const string MemberRole = "EcsDnsRemediationMember";
    const string MemberRunbook = "EcsDnsRemediationMember-Remediate";
    const string HubRegion = "us-east-1";

    static readonly string[] RegionNames = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1", "sa-east-1", "ca-central-1"];

    static readonly string[] RunbookParameters =
    [
        "AutomationAssumeRole", "ClusterArn", "ContainerInstanceArn", "FixHost", "Resolver", "VerifyHost", "Reschedule",
        "TaskDefinitionArn", "Group", "StartedBy", "CapacityProvider", "Subnets", "SecurityGroups", "ContainerOverrides",
        "NotificationTopicArn",
    ];

    /// <summary>A task launch on an at-risk instance fails about every two minutes (Docker's two-minute deadline on the volume plugin's call, README "Failure forms").</summary>
    static readonly TimeSpan FailureEvery = TimeSpan.FromMinutes(2);

    static readonly TimeSpan[] AsyncRetryDelays = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)];

    /// <summary>The later queue's visibility timeout and receive limit, as infra/Constructs/RemediatorFunction.cs sets them.</summary>
    static readonly TimeSpan Visibility = TimeSpan.FromSeconds(300);

    const int MaxReceives = 5;

    static readonly TimeSpan Horizon = TimeSpan.FromHours(12);

    public sealed record Options(int Accounts = 3, int Regions = 2, int Instances = 10, int Concurrent = 100, int Queued = 1000,
        double? Rate = null, int Burst = 1, double DurationMinutes = 2, double Duplicates = 0.05, int Parallel = 8, int Seed = 7,
        int? Noisy = null);

    sealed record Instance(int Index, string Account, string Region, string Arn, TimeSpan Offset);

    enum Via { EventBridge, LaterQueue }

    sealed record Delivery(Instance Instance, byte[] Event, Via Via, int Attempt, LaterMark? Mark);

    sealed class SimClock(DateTimeOffset start) : TimeProvider
    {
        long ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

        public void Set(DateTimeOffset now) => Interlocked.Exchange(ref ticks, now.UtcTicks);
    }

    /// <summary>The later queue on the simulated clock: a sent event is delivered again after its delay.</summary>
    sealed class SimLaterQueue(SimClock clock, Action<DateTimeOffset, byte[], LaterMark> schedule) : ILaterQueue
    {
        public int Sent;

        public Task SendAsync(string @event, LaterMark mark, TimeSpan delay, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Sent);
            schedule(clock.GetUtcNow() + delay, Encoding.UTF8.GetBytes(@event), mark);
            return Task.CompletedTask;
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        var start = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        var clock = new SimClock(start);
        var random = new Random(options.Seed);
        var duration = TimeSpan.FromMinutes(options.DurationMinutes);
        Console.Error.WriteLine($"storm: {options.Accounts} account(s) × {options.Regions} Region(s) × {options.Instances} at-risk instance(s); " +
                                $"Automation per account and Region: {options.Concurrent} running, {options.Queued} queued, rate {(options.Rate is { } rate ? rate.ToString(CultureInfo.InvariantCulture) + "/s" : "unlimited")}, " +
                                $"executions of {duration.TotalMinutes:F1} min; {options.Duplicates:P0} of events delivered twice");

        using var moto = await MotoServer.StartAsync();
        await using var endpoint = await LocalAwsEndpoint.StartAsync(clock);
        endpoint.Ssm.Quotas = new AutomationQuotas
        {
            Concurrent = options.Concurrent,
            Queued = options.Queued,
            StartsPerSecond = options.Rate,
            Burst = options.Burst,
            Duration = duration,
        };
        endpoint.AccountOf = moto.AssumedRoleAccountAsync;
        endpoint.Ssm.RegisterAutomationDocument(HubRunbook, RunbookParameters);
        endpoint.Ssm.RegisterAutomationDocument(MemberRunbook, RunbookParameters);
        const string table = "remediation-claims";
        endpoint.Dynamo.CreateTable(table);

        var environment = new Dictionary<string, string?>
        {
            ["AWS_REGION"] = HubRegion,
            ["AWS_ENDPOINT_URL_SSM"] = endpoint.Url,
            ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint.Url,
            ["AWS_ENDPOINT_URL_STS"] = moto.Url,
            ["AWS_ACCESS_KEY_ID"] = "storm-hub",
            ["AWS_SECRET_ACCESS_KEY"] = "storm-hub",
            // One backoff at most within an invocation: the simulated clock does not move while it runs.
            ["AWS_MAX_ATTEMPTS"] = "2",
            [RemediatorEnvironment.SafeCapacityProvider] = "dns-safe-capacity",
            [RemediatorEnvironment.RunbookName] = HubRunbook,
            [RemediatorEnvironment.ClaimsTable] = table,
            [RemediatorEnvironment.HubAccount] = MotoServer.DefaultAccount,
            [RemediatorEnvironment.MemberRoleName] = MemberRole,
            [RemediatorEnvironment.MemberRunbookName] = MemberRunbook,
        };

        var instances = new List<Instance>();
        for (var a = 0; a < options.Accounts; a++)
            for (var r = 0; r < options.Regions; r++)
                for (var i = 0; i < (a == 0 ? options.Noisy ?? options.Instances : options.Instances); i++)
                {
                    var account = (200000000000L + a).ToString(CultureInfo.InvariantCulture);
                    var region = RegionNames[r % RegionNames.Length];
                    var arn = $"arn:aws:ecs:{region}:{account}:container-instance/prod/{instances.Count + 0x10000:x32}";
                    instances.Add(new Instance(instances.Count, account, region, arn, TimeSpan.FromMilliseconds(random.Next((int)FailureEvery.TotalMilliseconds))));
                }
        var template = JsonNode.Parse(Corpus.Read("failure/ec2-awsvpc-service.json"))!.AsObject();
        var taskNumber = 0;
        byte[] FailureEvent(Instance instance)
        {
            var e = (JsonObject)JsonNode.Parse(template.ToJsonString()
                .Replace($"us-east-1:{BurstCorpus.Account}:", $"{instance.Region}:{instance.Account}:", StringComparison.Ordinal))!;
            var taskArn = $"arn:aws:ecs:{instance.Region}:{instance.Account}:task/prod/{Interlocked.Increment(ref taskNumber):x32}";
            e["id"] = Guid.NewGuid().ToString();
            e["account"] = instance.Account;
            e["region"] = instance.Region;
            e["resources"] = new JsonArray(taskArn);
            var detail = e["detail"]!.AsObject();
            detail["taskArn"] = taskArn;
            detail["containerInstanceArn"] = instance.Arn;
            detail["group"] = $"service:web-{instance.Index % 40}";
            return Encoding.UTF8.GetBytes(e.ToJsonString());
        }

        // Whole simulated seconds: the claims table keeps times in seconds, and deliveries in one second run side by side.
        var agenda = new PriorityQueue<Delivery?, (DateTimeOffset At, long Sequence)>();
        var failures = new PriorityQueue<Instance, DateTimeOffset>();
        long sequence = 0;
        var gate = new Lock();
        void Schedule(DateTimeOffset at, Delivery delivery)
        {
            var second = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            if (second <= clock.GetUtcNow()) second = clock.GetUtcNow().AddSeconds(1);
            lock (gate) agenda.Enqueue(delivery, (second, sequence++));
        }

        var instanceOf = instances.ToDictionary(i => i.Arn, StringComparer.Ordinal);
        var later = new SimLaterQueue(clock, (at, @event, mark) =>
        {
            var arn = JsonNode.Parse(@event)!["detail"]!["containerInstanceArn"]!.GetValue<string>();
            Schedule(at, new Delivery(instanceOf[arn], @event, Via.LaterQueue, 1, mark));
        });
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), TextWriter.Null, clock, later);
        foreach (var instance in instances) failures.Enqueue(instance, start + instance.Offset);

        var events = 0;
        var duplicates = 0;
        var invocations = 0;
        var raised = 0;
        var failureQueue = new List<Delivery>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();

        while (true)
        {
            // Executions that ended by now fixed their instances: those fail no more.
            var fixedAt = FixedAt(endpoint, duration);
            DateTimeOffset next;
            lock (gate)
            {
                var nextDelivery = agenda.TryPeek(out _, out var d) ? d.At : DateTimeOffset.MaxValue;
                var nextFailure = failures.TryPeek(out _, out var f) ? f : DateTimeOffset.MaxValue;
                next = nextDelivery < nextFailure ? nextDelivery : nextFailure;
            }
            if (next == DateTimeOffset.MaxValue || next - start > Horizon) break;
            clock.Set(next);

            while (failures.TryPeek(out var instance, out var at) && at <= next)
            {
                failures.Dequeue();
                if (fixedAt.TryGetValue(instance.Arn, out var fixedTime) && fixedTime <= at) continue;
                var @event = FailureEvent(instance);
                events++;
                Schedule(at, new Delivery(instance, @event, Via.EventBridge, 0, null));
                if (random.NextDouble() < options.Duplicates)
                {
                    duplicates++;
                    Schedule(at.AddSeconds(1 + random.Next(30)), new Delivery(instance, @event, Via.EventBridge, 0, null));
                }
                failures.Enqueue(instance, at + FailureEvery);
            }

            var due = new List<Delivery>();
            lock (gate)
                while (agenda.TryPeek(out var delivery, out var key) && key.At <= next)
                {
                    agenda.Dequeue();
                    due.Add(delivery!);
                }
            if (due.Count == 0) continue;

            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, async (delivery, _) =>
            {
                Interlocked.Increment(ref invocations);
                try
                {
                    var input = delivery.Via == Via.LaterQueue ? SqsRecord(delivery) : delivery.Event;
                    await using var response = await function.Handle(new MemoryStream(input, writable: false));
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref raised);
                    var now = clock.GetUtcNow();
                    if (delivery.Via == Via.EventBridge && delivery.Attempt < AsyncRetryDelays.Length)
                        Schedule(now + AsyncRetryDelays[delivery.Attempt], delivery with { Attempt = delivery.Attempt + 1 });
                    else if (delivery.Via == Via.LaterQueue && delivery.Attempt < MaxReceives)
                        Schedule(now + Visibility, delivery with { Attempt = delivery.Attempt + 1 });
                    else
                        lock (gate) failureQueue.Add(delivery);
                }
            });
        }
        var elapsed = wall.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var endpointCpu = await ReplayCpuAsync(endpoint.Requests, options.Parallel, table);

        var finalFixes = FixedAt(endpoint, duration);
        var hostFixes = endpoint.Ssm.Executions.Where(e => e.Parameter("FixHost") == "yes").GroupBy(e => e.Parameter("ContainerInstanceArn")).ToList();
        var startedTwice = hostFixes.Sum(g => g.Count() - 1);
        var unfixed = instances.Where(i => !finalFixes.ContainsKey(i.Arn)).ToList();
        var kept = failureQueue.Select(d => d.Instance.Arn).ToHashSet(StringComparer.Ordinal);
        var lost = unfixed.Count(i => !kept.Contains(i.Arn));
        var allFixed = unfixed.Count == 0 ? (finalFixes.Values.Max() - start).TotalSeconds : -1;
        // Fairness: how long the other accounts waited while the first one (--noisy) stormed.
        var others = instances.Where(i => i.Account != instances[0].Account).Select(i => finalFixes.GetValueOrDefault(i.Arn)).ToList();
        var othersFixed = others.Count > 0 && others.All(t => t != default) ? (others.Max() - start).TotalSeconds : -1;
        var writes = endpoint.Requests.Count(r => r.Service == "dynamodb" && r.Operation is "PutItem" or "UpdateItem" or "DeleteItem");
        var limited = endpoint.RequestsOf("StartAutomationExecution").Count(r => r.ErrorType is "AutomationExecutionLimitExceededException" or "ThrottlingException");
        var assumed = await moto.AssumedRoleCountAsync();

        Console.Error.WriteLine($"storm: {elapsed.TotalSeconds:F1} s of wall time for {(clock.GetUtcNow() - start).TotalMinutes:F0} simulated minutes; " +
                                $"{events} events ({duplicates} delivered twice), {invocations} invocations, {raised} raised, {later.Sent} sent to the later queue, " +
                                $"{limited} starts refused for a limit; {endpoint.Ssm.Executions.Count} executions; {unfixed.Count} instance(s) unfixed");
        Console.WriteLine(JsonSerializer.Serialize(new StormResult(
            options.Accounts, options.Regions, instances.Count, events, Math.Round(allFixed), startedTwice, lost, failureQueue.Count,
            assumed, Math.Round(cpu.TotalMilliseconds / Math.Max(1, events), 2), Math.Round((double)writes / Math.Max(1, events), 2))
        {
            Invocations = invocations,
            LaterQueueSends = later.Sent,
            StartsRefusedForALimit = limited,
            WallSeconds = Math.Round(elapsed.TotalSeconds, 1),
            SecondsToOtherAccountsFixed = Math.Round(othersFixed),
            CpuMsPerEventWithoutEndpoint = Math.Round(Math.Max(0, (cpu - endpointCpu).TotalMilliseconds) / Math.Max(1, events), 2),
        }, BenchJsonContext.Default.StormResult));
        return startedTwice == 0 && lost == 0 && failureQueue.Count == 0 && unfixed.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// The CPU time (of this process) that answering the storm's requests costs the in-process endpoint: the same
    /// requests, recorded by the endpoint, sent again with a bare HttpClient to a fresh endpoint, in the storm's
    /// parallelism. Subtracted from the storm's CPU it leaves the function's own, less what a bare HttpClient spends
    /// sending (the SDK spends more: signing, marshalling), so a lower bound of the function's own.
    /// </summary>
    static async Task<TimeSpan> ReplayCpuAsync(IReadOnlyList<RecordedRequest> requests, int parallel, string table)
    {
        await using var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Ssm.RegisterAutomationDocument(HubRunbook, RunbookParameters);
        endpoint.Ssm.RegisterAutomationDocument(MemberRunbook, RunbookParameters);
        endpoint.Dynamo.CreateTable(table);
        using var http = new HttpClient { BaseAddress = new Uri(endpoint.Url) };
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (request, cancellationToken) =>
        {
            var (target, type) = request.Service == "ssm"
                ? ("AmazonSSM", "application/x-amz-json-1.1")
                : ("DynamoDB_20120810", "application/x-amz-json-1.0");
            using var message = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(request.Body.ToJsonString(), Encoding.UTF8) };
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
            message.Headers.Add("X-Amz-Target", $"{target}.{request.Operation}");
            using var response = await http.SendAsync(message, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
        });
        return Process.GetCurrentProcess().TotalProcessorTime - before;
    }

    /// <summary>When each instance's first host fix ended (its execution's slot plus the execution's duration).</summary>
    static Dictionary<string, DateTimeOffset> FixedAt(LocalAwsEndpoint endpoint, TimeSpan duration) =>
        endpoint.Ssm.Executions.Where(e => e.Parameter("FixHost") == "yes")
            .GroupBy(e => e.Parameter("ContainerInstanceArn"), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(e => e.Begins) + duration, StringComparer.Ordinal);

    /// <summary>The later queue's message as Lambda's event source mapping hands it to the function.</summary>
    static byte[] SqsRecord(Delivery delivery)
    {
        static JsonObject Number(long value) => new() { ["stringValue"] = value.ToString(CultureInfo.InvariantCulture), ["dataType"] = "Number" };
        var record = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString(),
            ["body"] = Encoding.UTF8.GetString(delivery.Event),
            ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = delivery.Attempt.ToString(CultureInfo.InvariantCulture) },
            ["messageAttributes"] = new JsonObject
            {
                [SqsLaterQueue.LaterAttribute] = Number(delivery.Mark!.Later),
                [SqsLaterQueue.SinceAttribute] = Number(delivery.Mark.Since.ToUnixTimeSeconds()),
            },
            ["eventSource"] = "aws:sqs",
        };
        return Encoding.UTF8.GetBytes(new JsonObject { ["Records"] = new JsonArray(record) }.ToJsonString());
    }

    static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            int Int() => int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) is var n && n >= 1 ? n : throw new ArgumentException($"{args[i]}: expected a whole number from 1");
            options = args[i] switch
            {
                "--accounts" => options with { Accounts = Int() },
                "--regions" => options with { Regions = Int() },
                "--instances" => options with { Instances = Int() },
                "--concurrent" => options with { Concurrent = Int() },
                "--queued" => options with { Queued = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
                "--rate" => options with { Rate = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) },
                "--burst" => options with { Burst = Int() },
                "--duration" => options with { DurationMinutes = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) },
                "--duplicates" => options with { Duplicates = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) },
                "--parallel" => options with { Parallel = Int() },
                "--seed" => options with { Seed = Int() },
                "--noisy" => options with { Noisy = Int() },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (args.Length % 2 != 0) throw new ArgumentException($"option {args[^1]} has no value");
        return options;
    }
}
