using Remediation.Contracts;
using System.Text;
using Amazon.Runtime;
using LocalAws;
using Remediator.Acting;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Tests.Acting;

/// <summary>
/// The act step under faults: a start that succeeded or whose outcome is unknown is never forgotten,
/// and another event on the instance is closed only when a start is recorded. Real SDK clients, local endpoint.
/// </summary>
public sealed class ActFaultTests
{
    static readonly string StandaloneKey = $"event#{SampleEvents.TaskArn(1)}";
    static readonly string InstanceKey = ClaimKeys.Instance(SampleEvents.InstanceArn(1));

    [Fact]
    public async Task Handle_MarkDoneFailsAfterStart_StartStaysRecordedAndALateRedriveSendsNothing()
    {
        await using var harness = await ActingHarness.StartAsync();
        // The two start records pass; marking the event done fails (retries included).
        harness.Endpoint.Faults.Inject("UpdateItem", FaultKind.InternalError, times: 4, after: 2);
        var @event = SampleEvents.Standalone();

        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => harness.HandleAsync(@event));

        var execution = Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.Equal("started", (await harness.ClaimAsync(StandaloneKey))!["state"].S);
        Assert.True((await harness.ClaimAsync(InstanceKey))!.ContainsKey("startedAt"));
        Assert.Empty(harness.Endpoint.RequestsOf("DeleteItem"));

        // A redrive from the failure queue, long after: SSM may have forgotten the client token, so nothing is sent.
        harness.Clock.Advance(SsmActuator.ResendWithin + TimeSpan.FromMinutes(1));
        var redrive = await harness.HandleAsync(@event);

        Assert.Equal(OutcomeKind.Skipped, redrive.Kind);
        Assert.Equal(SkipCauses.StartRecorded, redrive.Cause);
        Assert.Single(harness.Endpoint.RequestsOf("StartAutomationExecution"));
        Assert.Equal(execution.Id, Assert.Single(harness.Endpoint.Ssm.Executions).Id);
    }

    [Fact]
    public async Task Handle_MarkDoneFailsAfterStart_RetryWithinTheWindowGetsTheSameExecution()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Faults.Inject("UpdateItem", FaultKind.InternalError, times: 4, after: 2);
        var @event = SampleEvents.Standalone();
        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => harness.HandleAsync(@event));

        harness.Clock.Advance(SsmActuator.Lease + TimeSpan.FromSeconds(1));
        var retry = await harness.HandleAsync(@event);

        Assert.Equal(OutcomeKind.Acted, retry.Kind);
        var execution = Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.Equal(execution.Id, Assert.Single(retry.Runs));
        Assert.Equal("done", (await harness.ClaimAsync(StandaloneKey))!["state"].S);
    }

    [Fact]
    public async Task Handle_StartTimesOutButWasApplied_InstanceClaimKeptAndNoSecondHostFix()
    {
        await using var harness = await ActingHarness.StartAsync(attemptTimeout: TimeSpan.FromSeconds(1));
        harness.Endpoint.Faults.Inject("StartAutomationExecution", FaultKind.TimeoutAfterApply, times: int.MaxValue);
        var standalone = SampleEvents.Standalone(task: 1, instance: 1);

        await Assert.ThrowsAnyAsync<Exception>(() => harness.HandleAsync(standalone));

        Assert.Equal("failed", harness.Lines[0]["outcome"]!.GetValue<string>());
        var applied = Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.True((await harness.ClaimAsync(InstanceKey))!.ContainsKey("startedAt"));
        Assert.Equal("started", (await harness.ClaimAsync(StandaloneKey))!["state"].S);

        harness.Endpoint.Faults.Clear();
        var other = await harness.HandleAsync(SampleEvents.Service(task: 2, instance: 1));

        Assert.Equal(SkipCauses.InstanceRecentlyFixed, other.Cause);

        harness.Clock.Advance(SsmActuator.Lease + TimeSpan.FromSeconds(1));
        var retry = await harness.HandleAsync(standalone);

        Assert.Equal(OutcomeKind.Acted, retry.Kind);
        Assert.Equal(applied.Id, Assert.Single(harness.Endpoint.Ssm.Executions).Id);
    }

    /// <summary>
    /// SSM applied the first attempt, which timed out; the SDK's retry was refused with an error that depends on
    /// SSM's state (too many executions), not on the request: the start may have been applied, so it stays recorded.
    /// </summary>
    [Fact]
    public async Task Handle_StartAppliedThenTheRetryRefusedForALimit_StartKeptAndNoSecondHostFix()
    {
        await using var harness = await ActingHarness.StartAsync(attemptTimeout: TimeSpan.FromSeconds(1));
        harness.Endpoint.Faults.Inject("StartAutomationExecution", FaultKind.TimeoutAfterApply)
            .Then("StartAutomationExecution", FaultKind.AutomationLimit, times: int.MaxValue);

        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => harness.HandleAsync(SampleEvents.Standalone(task: 1, instance: 1)));

        Assert.True(harness.Endpoint.RequestsOf("StartAutomationExecution").Count() >= 2, "the SDK retried the timed-out attempt");
        var applied = Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.Equal("started", (await harness.ClaimAsync(StandaloneKey))!["state"].S);
        Assert.True((await harness.ClaimAsync(InstanceKey))!.ContainsKey("startedAt"));

        harness.Endpoint.Faults.Clear();
        var other = await harness.HandleAsync(SampleEvents.Service(task: 2, instance: 1));

        Assert.Equal(SkipCauses.InstanceRecentlyFixed, other.Cause);
        Assert.Equal(applied.Id, Assert.Single(harness.Endpoint.Ssm.Executions).Id);
    }

    [Fact]
    public async Task Handle_InvocationDiesBetweenInstanceClaimAndStart_OtherEventsWaitThenOneHostFix()
    {
        await using var harness = await ActingHarness.StartAsync();
        using var death = new CancellationTokenSource();
        var acting = ActuatorSettings.From(key => key switch
        {
            RemediatorEnvironment.RunbookName => ActingHarness.Runbook,
            RemediatorEnvironment.ClaimsTable => ActingHarness.Table,
            _ => null,
        });
        var dying = new RemediationPipeline(ActingHarness.Settings(), new SsmActuator(harness.Ssm,
            new DiesAfterInstanceClaim(new DynamoClaimStore(harness.Dynamo, ActingHarness.Table), death), acting, harness.Clock), new NoReporter());
        var owner = SampleEvents.Standalone(task: 1, instance: 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            dying.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(owner.ToJsonString())), death.Token));

        Assert.Empty(harness.Endpoint.RequestsOf("StartAutomationExecution"));
        var waiting = SampleEvents.Service(task: 2, instance: 1);
        await Assert.ThrowsAsync<ClaimHeldException>(() => harness.HandleAsync(waiting));

        // Lambda retries a minute later: the owner's lease has ended with no start recorded.
        harness.Clock.Advance(SsmActuator.Lease + TimeSpan.FromSeconds(1));
        var retried = await harness.HandleAsync(waiting);
        var ownerRetried = await harness.HandleAsync(owner);

        Assert.Equal(OutcomeKind.Acted, retried.Kind);
        Assert.True(retried.Act!.HostFix);
        Assert.Equal(OutcomeKind.Acted, ownerRetried.Kind);
        Assert.Equal(["yes", "no"], harness.Endpoint.Ssm.Executions.Select(e => e.Parameter("FixHost")));
        Assert.Equal(["no", "yes"], harness.Endpoint.Ssm.Executions.Select(e => e.Parameter("Reschedule")));
    }

    [Fact]
    public async Task Handle_RunbookRefusesTheStart_ClaimsReleasedSoTheRetryActs()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Ssm.RegisterAutomationDocument(ActingHarness.Runbook, "ClusterArn");

        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => harness.HandleAsync(SampleEvents.Standalone()));

        Assert.Null(await harness.ClaimAsync(StandaloneKey));
        Assert.Null(await harness.ClaimAsync(InstanceKey));
    }

    [Fact]
    public async Task Handle_ActuatorCancelledByItsOwnTimeout_ReportedAsFailedAndRaised()
    {
        var output = new StringWriter();
        var pipeline = new RemediationPipeline(ActingHarness.Settings(), new TimesOut(), new JsonLineReporter(output));

        await Assert.ThrowsAsync<TaskCanceledException>(() =>
            pipeline.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(SampleEvents.Standalone().ToJsonString()))));

        Assert.Equal("failed", System.Text.Json.Nodes.JsonNode.Parse(output.ToString())!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClaimEvent_HolderRecordsItsStartWhileItsLeaseIsTakenOver_TakeoverSeesTheStart()
    {
        await using var harness = await ActingHarness.StartAsync();
        var t0 = harness.Clock.GetUtcNow();
        var late = t0 + SsmActuator.Lease + TimeSpan.FromSeconds(1);
        var slow = new DynamoClaimStore(harness.Dynamo, ActingHarness.Table);
        await slow.ClaimEventAsync(StandaloneKey, "slow", t0, t0 + SsmActuator.Lease, t0 + SsmActuator.EventRetention, default);
        // The slow holder records its start between the newcomer's first read and its takeover write.
        using var racing = new BeforeFirstUpdate(harness.Endpoint.Url,
            () => slow.RecordEventStartAsync(StandaloneKey, "slow", late, default));

        var claim = await new DynamoClaimStore(racing, ActingHarness.Table)
            .ClaimEventAsync(StandaloneKey, "newcomer", late, late + SsmActuator.Lease, late + SsmActuator.EventRetention, default);

        Assert.Equal(late.ToUnixTimeSeconds(), Assert.IsType<EventClaim.Acquired>(claim).StartedAt?.ToUnixTimeSeconds());
    }

    /// <summary>A real DynamoDB client that runs <paramref name="first"/> before its first UpdateItem.</summary>
    sealed class BeforeFirstUpdate(string url, Func<Task> first) : Amazon.DynamoDBv2.AmazonDynamoDBClient(
        new BasicAWSCredentials("test", "test"), new Amazon.DynamoDBv2.AmazonDynamoDBConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" })
    {
        Func<Task>? pending = first;

        public override async Task<Amazon.DynamoDBv2.Model.UpdateItemResponse> UpdateItemAsync(Amazon.DynamoDBv2.Model.UpdateItemRequest request,
            CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref pending, null) is { } run) await run();
            return await base.UpdateItemAsync(request, cancellationToken);
        }
    }

    sealed class TimesOut : IActuator
    {
        public Task<ActResult> ActAsync(Plan plan, CancellationToken cancellationToken) =>
            Task.FromException<ActResult>(new TaskCanceledException("the HTTP request timed out"));
    }

    /// <summary>The real claim store; the invocation "dies" (its token is cancelled, so no catch block runs) right after the instance claim.</summary>
    sealed class DiesAfterInstanceClaim(IClaimStore inner, CancellationTokenSource death) : IClaimStore
    {
        public Task<EventClaim> ClaimEventAsync(string key, string holder, DateTimeOffset now, DateTimeOffset leaseUntil, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            inner.ClaimEventAsync(key, holder, now, leaseUntil, expiresAt, cancellationToken);

        public Task RecordEventStartAsync(string key, string holder, DateTimeOffset startedAt, CancellationToken cancellationToken) =>
            inner.RecordEventStartAsync(key, holder, startedAt, cancellationToken);

        public Task<bool> MarkEventDoneAsync(string key, string holder, string detail, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            inner.MarkEventDoneAsync(key, holder, detail, expiresAt, cancellationToken);

        public Task ReleaseEventAsync(string key, string holder, CancellationToken cancellationToken) =>
            inner.ReleaseEventAsync(key, holder, cancellationToken);

        public Task DeferEventAsync(string key, string holder, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.DeferEventAsync(key, holder, now, cancellationToken);

        public async Task<InstanceClaim> ClaimInstanceAsync(string key, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, DateTimeOffset windowEnd, CancellationToken cancellationToken)
        {
            var claim = await inner.ClaimInstanceAsync(key, owner, now, leaseUntil, windowEnd, cancellationToken);
            await death.CancelAsync();
            return claim;
        }

        public Task RecordInstanceStartAsync(string key, string owner, DateTimeOffset startedAt, DateTimeOffset windowEnd, CancellationToken cancellationToken) =>
            inner.RecordInstanceStartAsync(key, owner, startedAt, windowEnd, cancellationToken);

        public Task ReleaseInstanceAsync(string key, string owner, CancellationToken cancellationToken) =>
            inner.ReleaseInstanceAsync(key, owner, cancellationToken);
    }

    sealed class NoReporter : IReporter
    {
        public void Report(Outcome outcome)
        {
        }
    }
}
