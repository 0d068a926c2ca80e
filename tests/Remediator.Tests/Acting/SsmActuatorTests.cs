using System.Text.Json.Nodes;
using LocalAws;
using Remediator.Acting;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Tests.Acting;

/// <summary>The act step against the local SSM and DynamoDB endpoint, through the real SDK clients.</summary>
public sealed class SsmActuatorTests
{
    const string StandaloneEventKey = "event#arn:aws:ecs:us-east-1:111122223333:task/prod/00000000000000000000000000000001";

    [Fact]
    public async Task Handle_StandaloneFailure_StartsRunbookWithValidatedParametersAndToken()
    {
        await using var harness = await ActingHarness.StartAsync();

        var outcome = await harness.HandleAsync(SampleEvents.Standalone());

        Assert.Equal(OutcomeKind.Acted, outcome.Kind);
        var request = Assert.Single(harness.Endpoint.RequestsOf("StartAutomationExecution"));
        Assert.Equal(ActingHarness.Runbook, request.Body["DocumentName"]!.GetValue<string>());
        Assert.Equal(ClaimKeys.ClientToken(StandaloneEventKey), request.Body["ClientToken"]!.GetValue<string>());
        var execution = Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.Equal(execution.Id, Assert.Single(outcome.Runs));
        var expected = new Dictionary<string, string[]>
        {
            ["AutomationAssumeRole"] = [ActingHarness.Role],
            ["ClusterArn"] = ["arn:aws:ecs:us-east-1:111122223333:cluster/prod"],
            ["ContainerInstanceArn"] = [SampleEvents.InstanceArn(1)],
            ["FixHost"] = ["yes"],
            ["Resolver"] = ["169.254.169.253"],
            ["VerifyHost"] = ["fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com"],
            ["Reschedule"] = ["yes"],
            ["TaskDefinitionArn"] = ["arn:aws:ecs:us-east-1:111122223333:task-definition/app:7"],
            ["Group"] = ["family:app"],
            ["StartedBy"] = ["ecs-dns-remediation/attempt-1"],
            ["CapacityProvider"] = ["safe-capacity"],
            ["Subnets"] = ["subnet-0a1b2c3d4e5f60718"],
            ["ContainerOverrides"] = ["""{"name":"app"}"""],
        };
        Assert.Equal(expected.OrderBy(p => p.Key), execution.Parameters.OrderBy(p => p.Key).Select(p => KeyValuePair.Create(p.Key, p.Value.ToArray())));
        var claim = harness.Endpoint.Dynamo.Item(ActingHarness.Table, StandaloneEventKey)!;
        Assert.Equal("done", claim["state"]!["S"]!.GetValue<string>());
    }

    /// <summary>An override of text JSON may escape reaches the runbook as the task had it, in a request botocore's model accepts.</summary>
    [Fact]
    public async Task Handle_StandaloneWithNonAsciiOverride_RescheduleCarriesItIntact()
    {
        await using var harness = await ActingHarness.StartAsync();
        var app = new JsonObject
        {
            ["name"] = "app",
            ["environment"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = new string('é', 400) + " <&>'+" }),
        };
        var @event = SampleEvents.Standalone();
        @event["detail"]!["overrides"] = new JsonObject { ["containerOverrides"] = new JsonArray(app.DeepClone()) };

        var outcome = await harness.HandleAsync(@event);

        Assert.Equal(OutcomeKind.Acted, outcome.Kind);
        var execution = Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.Equal("yes", execution.Parameter("Reschedule"));
        Assert.True(JsonNode.DeepEquals(app, JsonNode.Parse(execution.Parameter("ContainerOverrides"))));
    }

    [Fact]
    public async Task Handle_SameEventDeliveredTwice_ActsOnce()
    {
        await using var harness = await ActingHarness.StartAsync();
        var @event = SampleEvents.Standalone();

        var first = await harness.HandleAsync(@event);
        var second = await harness.HandleAsync(@event);

        Assert.Equal(OutcomeKind.Acted, first.Kind);
        Assert.Equal(OutcomeKind.Skipped, second.Kind);
        Assert.Equal(SkipCauses.Duplicate, second.Cause);
        Assert.Single(harness.Endpoint.Ssm.Executions);
    }

    [Fact]
    public async Task Handle_SameTaskVersionWithNewEventId_ActsOnce()
    {
        await using var harness = await ActingHarness.StartAsync();

        await harness.HandleAsync(SampleEvents.Standalone(eventId: "11111111-1111-4111-8111-111111111111"));
        var again = await harness.HandleAsync(SampleEvents.Standalone(eventId: "22222222-2222-4222-8222-222222222222"));

        Assert.Equal(SkipCauses.Duplicate, again.Cause);
        Assert.Single(harness.Endpoint.Ssm.Executions);
    }

    /// <summary>
    /// ECS may send more than one event with lastStatus STOPPED for a task, each with a higher detail.version (a
    /// field changed after it stopped): the task stopped once, so it is rescheduled once.
    /// </summary>
    [Fact]
    public async Task Handle_SameTaskAnotherStoppedVersion_ReschedulesOnce()
    {
        await using var harness = await ActingHarness.StartAsync();

        var first = await harness.HandleAsync(SampleEvents.Standalone(version: 3));
        var later = await harness.HandleAsync(SampleEvents.Standalone(version: 4));

        Assert.Equal(OutcomeKind.Acted, first.Kind);
        Assert.Equal(SkipCauses.Duplicate, later.Cause);
        Assert.Equal(["yes"], harness.Endpoint.Ssm.Executions.Select(e => e.Parameter("Reschedule")));
    }

    [Fact]
    public async Task Handle_SameEventConcurrently_StartsOneExecution()
    {
        await using var harness = await ActingHarness.StartAsync();
        var @event = SampleEvents.Standalone();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                return (await harness.HandleAsync(@event)).Kind;
            }
            catch (ClaimHeldException)
            {
                return OutcomeKind.Failed;
            }
        }));

        Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.Equal(1, attempts.Count(k => k == OutcomeKind.Acted));
    }

    [Fact]
    public async Task Handle_ManyFailuresOnOneInstance_OneHostFixAndEachStandaloneRescheduled()
    {
        await using var harness = await ActingHarness.StartAsync();

        var outcomes = new List<Outcome>();
        foreach (var @event in new[]
                 {
                     SampleEvents.Service(task: 1), SampleEvents.Standalone(task: 2), SampleEvents.Service(task: 3),
                     SampleEvents.Standalone(task: 4), SampleEvents.Service(task: 5),
                 })
            outcomes.Add(await harness.HandleAsync(@event));

        var executions = harness.Endpoint.Ssm.Executions;
        Assert.Single(executions, e => e.Parameter("FixHost") == "yes");
        Assert.Equal(["yes", "no", "no"], executions.Select(e => e.Parameter("FixHost")));
        Assert.Equal(["no", "yes", "yes"], executions.Select(e => e.Parameter("Reschedule")));
        Assert.Equal([OutcomeKind.Acted, OutcomeKind.Acted, OutcomeKind.Skipped, OutcomeKind.Acted, OutcomeKind.Skipped], outcomes.Select(o => o.Kind));
        Assert.All(outcomes.Where(o => o.Kind == OutcomeKind.Skipped), o => Assert.Equal(SkipCauses.InstanceRecentlyFixed, o.Cause));
    }

    [Fact]
    public async Task Handle_FailureAfterTheWindow_FixesTheHostAgain()
    {
        await using var harness = await ActingHarness.StartAsync();

        await harness.HandleAsync(SampleEvents.Service(task: 1));
        harness.Clock.Advance(TimeSpan.FromMinutes(16));
        await harness.HandleAsync(SampleEvents.Service(task: 2));

        Assert.Equal(["yes", "yes"], harness.Endpoint.Ssm.Executions.Select(e => e.Parameter("FixHost")));
    }

    [Fact]
    public async Task Handle_SsmThrottledTwice_RecoversAndActsOnce()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Faults.Inject("StartAutomationExecution", FaultKind.Throttle, times: 2);

        var outcome = await harness.HandleAsync(SampleEvents.Standalone());

        Assert.Equal(OutcomeKind.Acted, outcome.Kind);
        Assert.Equal([400, 400, 200], harness.Endpoint.RequestsOf("StartAutomationExecution").Select(r => r.Status));
        Assert.Single(harness.Endpoint.Ssm.Executions);
    }

    [Fact]
    public async Task Handle_DynamoThrottledAndUnavailable_RecoversAndActsOnce()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Faults.Inject("PutItem", FaultKind.Throttle, times: 2).Inject("UpdateItem", FaultKind.Unavailable, times: 1);

        var outcome = await harness.HandleAsync(SampleEvents.Standalone());

        Assert.Equal(OutcomeKind.Acted, outcome.Kind);
        Assert.Single(harness.Endpoint.Ssm.Executions);
        // Record the instance's start (503, retried), record the event's start, mark the event done.
        Assert.Equal([503, 200, 200, 200], harness.Endpoint.RequestsOf("UpdateItem").Select(r => r.Status));
    }

    [Fact]
    public async Task Handle_SsmStartedButAnswered500_ClientTokenKeepsOneExecution()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Faults.Inject("StartAutomationExecution", FaultKind.InternalErrorAfterApply, times: 1);

        var outcome = await harness.HandleAsync(SampleEvents.Standalone());

        Assert.Equal(OutcomeKind.Acted, outcome.Kind);
        Assert.Equal(2, harness.Endpoint.RequestsOf("StartAutomationExecution").Count());
        Assert.Equal(Assert.Single(harness.Endpoint.Ssm.Executions).Id, Assert.Single(outcome.Runs));
    }

    [Fact]
    public async Task Handle_SsmOutage_RaisesKeepsTheStartRecordThenRetryAfterLeaseActsOnce()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Faults.Inject("StartAutomationExecution", FaultKind.Unavailable, times: int.MaxValue);
        var @event = SampleEvents.Standalone();

        await Assert.ThrowsAnyAsync<Amazon.Runtime.AmazonServiceException>(() => harness.HandleAsync(@event));

        // A 5xx does not say whether SSM applied the start: the claims keep the record of it.
        Assert.Empty(harness.Endpoint.Ssm.Executions);
        Assert.Equal("started", (await harness.ClaimAsync(StandaloneEventKey))!["state"].S);
        Assert.Equal("failed", harness.Lines[0]["outcome"]!.GetValue<string>());
        Assert.Equal(4, harness.Endpoint.RequestsOf("StartAutomationExecution").Count());

        harness.Endpoint.Faults.Clear();
        harness.Clock.Advance(SsmActuator.Lease + TimeSpan.FromSeconds(1));
        var retry = await harness.HandleAsync(@event);

        Assert.Equal(OutcomeKind.Acted, retry.Kind);
        Assert.Equal("yes", Assert.Single(harness.Endpoint.Ssm.Executions).Parameter("FixHost"));
    }

    [Fact]
    public async Task Handle_DynamoOutage_RaisesAndStartsNothing()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Faults.Inject("PutItem", FaultKind.InternalError, times: int.MaxValue);

        await Assert.ThrowsAnyAsync<Amazon.Runtime.AmazonServiceException>(() => harness.HandleAsync(SampleEvents.Standalone()));

        Assert.Empty(harness.Endpoint.RequestsOf("StartAutomationExecution"));
        Assert.Equal("failed", harness.MetricRecords.Single()["Outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Handle_CrashAfterStartThenRetryAfterLease_SameExecutionNoSecondStart()
    {
        await using var harness = await ActingHarness.StartAsync();
        // The starts are recorded and the runbook starts, then DynamoDB goes away: the claim can be neither
        // marked done nor released, as if the invocation had died right after the start.
        harness.Endpoint.Faults.Inject("UpdateItem", FaultKind.InternalError, times: int.MaxValue, after: 2)
            .Inject("DeleteItem", FaultKind.InternalError, times: int.MaxValue);
        var @event = SampleEvents.Standalone();
        await Assert.ThrowsAnyAsync<Amazon.Runtime.AmazonServiceException>(() => harness.HandleAsync(@event));
        harness.Endpoint.Faults.Clear();

        await Assert.ThrowsAsync<ClaimHeldException>(() => harness.HandleAsync(@event));
        harness.Clock.Advance(SsmActuator.Lease + TimeSpan.FromSeconds(1));
        var retry = await harness.HandleAsync(@event);

        Assert.Equal(OutcomeKind.Acted, retry.Kind);
        var execution = Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.Equal(execution.Id, Assert.Single(retry.Runs));
        Assert.Equal(2, harness.Endpoint.RequestsOf("StartAutomationExecution").Count(r => r.Status == 200));
    }

    [Fact]
    public async Task Handle_ObserveMode_SendsNothing()
    {
        await using var harness = await ActingHarness.StartAsync(ActingHarness.Settings(mode: "observe"));

        var outcome = await harness.HandleAsync(SampleEvents.Standalone());

        Assert.Equal(OutcomeKind.Skipped, outcome.Kind);
        Assert.Equal(SkipCauses.Observe, outcome.Cause);
        Assert.Empty(harness.Endpoint.Requests);
    }

    [Fact]
    public async Task Handle_NotifyPlan_SendsNothingAndCountsANotification()
    {
        await using var harness = await ActingHarness.StartAsync();

        var outcome = await harness.HandleAsync(SampleEvents.Load("fargate-efs-utils.json"));

        Assert.Equal(Decision.Notify, outcome.Plan.Decision);
        Assert.Equal(OutcomeKind.Skipped, outcome.Kind);
        Assert.Empty(harness.Endpoint.Requests);
        var metrics = harness.MetricRecords.Single();
        Assert.Equal(1, metrics["Notifications"]!.GetValue<int>());
        Assert.Equal("fargate", metrics["Cause"]!.GetValue<string>());
    }

    [Fact]
    public async Task Handle_RunbookRejectsParameters_RaisesAndReleasesClaims()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Ssm.RegisterAutomationDocument(ActingHarness.Runbook, "ClusterArn");

        var error = await Assert.ThrowsAsync<Amazon.SimpleSystemsManagement.Model.InvalidAutomationExecutionParametersException>(
            () => harness.HandleAsync(SampleEvents.Standalone()));

        Assert.Contains("is not defined", error.Message);
        Assert.Empty(harness.Endpoint.Dynamo.Items(ActingHarness.Table));
    }
}
