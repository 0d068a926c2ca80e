using Amazon.Runtime;
using Remediation.Contracts;
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

    /// <summary>
    /// The window of one host fix per container instance counts from the start, not from the claim: an owner that
    /// waited most of a window for a slot still keeps a whole window after its start.
    /// </summary>
    [Fact]
    public async Task Handle_OwnerStartsLateInItsWindow_AnotherFailureAfterTheClaimsWindowIsNotASecondHostFix()
    {
        await using var harness = await ActingHarness.StartAsync();
        harness.Endpoint.Ssm.Quotas = new AutomationQuotas { Concurrent = 1, Queued = 0, Duration = TimeSpan.FromMinutes(3) };
        await harness.HandleAsync(SampleEvents.Standalone(task: 1, instance: 1));
        var owner = SampleEvents.Service(task: 2, instance: 2);
        await Assert.ThrowsAsync<StartLaterException>(() => harness.HandleAsync(owner));

        // A slot frees only when the owner's window, counted from its claim, has nearly passed.
        harness.Clock.Advance(ActuatorSettingsWindow - TimeSpan.FromMinutes(1));
        harness.Endpoint.Ssm.Quotas = new AutomationQuotas();
        var started = await harness.HandleAsync(owner);
        harness.Clock.Advance(TimeSpan.FromMinutes(2));
        var failedAgain = await harness.HandleAsync(SampleEvents.Service(task: 4, instance: 2));

        Assert.True(started.Act!.HostFix);
        Assert.Equal(SkipCauses.InstanceRecentlyFixed, failedAgain.Cause);
        Assert.Single(harness.Endpoint.Ssm.Executions, e => e.Parameter("ContainerInstanceArn") == SampleEvents.InstanceArn(2));
    }

    static readonly TimeSpan ActuatorSettingsWindow = TimeSpan.FromMinutes(Settings.HostFixWindowMinutes.DefaultNumber);

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
