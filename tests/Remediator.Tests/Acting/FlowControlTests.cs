using Amazon.Runtime;
using LocalAws;
using Remediator.Acting;
using Remediator.Pipeline;

namespace Remediator.Tests.Acting;

/// <summary>
/// Flow control: SSM refusing a start for one of its limits (Automation's running-and-queued executions, or the
/// request rate) means "later". The local endpoint enforces the limits as SSM answers them; nothing is released,
/// and the retry starts the execution once, however late it comes.
/// </summary>
public sealed class FlowControlTests
{
    static readonly string SecondEventKey = $"event#{SampleEvents.TaskArn(2)}";
    static readonly string SecondInstanceKey = ClaimKeys.Instance(SampleEvents.InstanceArn(2));

    /// <summary>Past the resend window: a start recorded with an unknown outcome would be closed unsent by now.</summary>
    static readonly TimeSpan Late = SsmActuator.ResendWithin + TimeSpan.FromMinutes(5);

    public static TheoryData<string, AutomationQuotas> Limits => new()
    {
        { "AutomationExecutionLimitExceededException", new AutomationQuotas { Concurrent = 1, Queued = 0, Duration = TimeSpan.FromMinutes(3) } },
        { "ThrottlingException", new AutomationQuotas { StartsPerSecond = 0.5, Burst = 1 } },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task Handle_StartRefusedForALimit_ClaimsKeptAndALateRetryStartsTheHostFixOnce(string error, AutomationQuotas quotas)
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Ssm.Quotas = quotas;
        var first = await harness.HandleAsync(SampleEvents.Standalone(task: 1, instance: 1));
        var second = SampleEvents.Standalone(task: 2, instance: 2);

        var later = await Assert.ThrowsAsync<StartLaterException>(() => harness.HandleAsync(second));

        Assert.Equal(OutcomeKind.Acted, first.Kind);
        Assert.Contains(error, later.Message, StringComparison.Ordinal);
        Assert.Equal(error, harness.Endpoint.RequestsOf("StartAutomationExecution").Last().ErrorType);
        Assert.Single(harness.Endpoint.Ssm.Executions);
        Assert.Empty(harness.Endpoint.RequestsOf("DeleteItem"));
        Assert.Equal("later", (await harness.ClaimAsync(SecondEventKey))!["state"].S);
        Assert.Equal(SecondEventKey, (await harness.ClaimAsync(SecondInstanceKey))!["owner"].S);

        // Another failure on the same container instance meanwhile: the owner will start its host fix.
        var sibling = await harness.HandleAsync(SampleEvents.Service(task: 3, instance: 2));
        Assert.Equal(SkipCauses.InstanceRecentlyFixed, sibling.Cause);

        harness.Clock.Advance(Late);
        var retry = await harness.HandleAsync(second);

        Assert.Equal(OutcomeKind.Acted, retry.Kind);
        Assert.True(retry.Act!.HostFix);
        Assert.Equal([SampleEvents.InstanceArn(1), SampleEvents.InstanceArn(2)],
            harness.Endpoint.Ssm.Executions.Select(e => e.Parameter("ContainerInstanceArn")));
    }

    /// <summary>A throttled attempt is tried again within the invocation (with backoff): a short burst over the rate costs no retry of the event.</summary>
    [Fact]
    public async Task Handle_ThrottledOnce_StartedWithinTheSameInvocation()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Faults.Inject("StartAutomationExecution", FaultKind.Throttle, times: 1);

        var outcome = await harness.HandleAsync(SampleEvents.Standalone());

        Assert.Equal(OutcomeKind.Acted, outcome.Kind);
        Assert.Equal(["ThrottlingException", null], harness.Endpoint.RequestsOf("StartAutomationExecution").Select(r => r.ErrorType));
    }

    /// <summary>An attempt that timed out may have been applied: a limit answered after it is not "nothing started".</summary>
    [Fact]
    public async Task Handle_TimeoutThenLimit_OutcomeUnknownSoTheStartStaysRecorded()
    {
        await using var harness = await ActingHarness.StartAsync(attemptTimeout: TimeSpan.FromSeconds(1));
        harness.Endpoint.Faults.Inject("StartAutomationExecution", FaultKind.TimeoutAfterApply)
            .Then("StartAutomationExecution", FaultKind.AutomationLimit, times: int.MaxValue);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.HandleAsync(SampleEvents.Standalone(task: 2, instance: 2)));

        Assert.IsNotType<StartLaterException>(error);
        Assert.IsAssignableFrom<AmazonServiceException>(error);
        Assert.Equal("started", (await harness.ClaimAsync(SecondEventKey))!["state"].S);
    }
}
