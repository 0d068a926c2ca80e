using System.Net;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Time.Testing;

namespace LocalAws.Tests;

/// <summary>
/// Automation's limits per account and Region through the real SDK client: running executions, the queue behind
/// them, the start rate, each answered with the error code and HTTP status of botocore's ssm model.
/// </summary>
public sealed class AutomationQuotasTests
{
    const string Runbook = "Runbook";

    static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    static async Task<(LocalAwsEndpoint, FakeTimeProvider)> EndpointAsync(AutomationQuotas? quotas = null)
    {
        var clock = new FakeTimeProvider(Start);
        var endpoint = await LocalAwsEndpoint.StartAsync(clock);
        endpoint.Ssm.RegisterAutomationDocument(Runbook);
        if (quotas is not null) endpoint.Ssm.Quotas = quotas;
        return (endpoint, clock);
    }

    static AmazonSimpleSystemsManagementClient Ssm(LocalAwsEndpoint endpoint, string region = "us-east-1", string key = "test") =>
        new(new BasicAWSCredentials(key, "test"), new AmazonSimpleSystemsManagementConfig
        {
            ServiceURL = endpoint.Url,
            AuthenticationRegion = region,
            MaxErrorRetry = 0,
        });

    static Task<StartAutomationExecutionResponse> StartAsync(IAmazonSimpleSystemsManagement ssm) =>
        ssm.StartAutomationExecutionAsync(new StartAutomationExecutionRequest { DocumentName = Runbook, ClientToken = Guid.NewGuid().ToString() });

    [Fact]
    public async Task Start_RunningAndQueueFull_AutomationExecutionLimitExceededUntilOneEnds()
    {
        var (endpoint, clock) = await EndpointAsync(new AutomationQuotas { Concurrent = 2, Queued = 1, Duration = TimeSpan.FromMinutes(3) });
        await using var _ = endpoint;
        using var ssm = Ssm(endpoint);

        for (var i = 0; i < 3; i++) await StartAsync(ssm);
        var refused = await Assert.ThrowsAsync<AutomationExecutionLimitExceededException>(() => StartAsync(ssm));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("AutomationExecutionLimitExceededException", refused.ErrorCode);
        Assert.Equal([Start, Start, Start.AddMinutes(3)], endpoint.Ssm.Executions.Select(e => e.Begins));
        Assert.Equal(2, endpoint.Ssm.Running(SsmService.Anonymous));

        clock.Advance(TimeSpan.FromMinutes(3));
        await StartAsync(ssm);

        // The first two ended: the queued one and this one run side by side.
        Assert.Equal(Start.AddMinutes(3), endpoint.Ssm.Executions[^1].Begins);
        Assert.Equal(2, endpoint.Ssm.Running(SsmService.Anonymous));
        Assert.Equal(4, endpoint.Ssm.Executions.Count);
    }

    [Fact]
    public async Task Start_OneRegionFull_AnotherRegionAndAnotherAccountStillStart()
    {
        var (endpoint, _) = await EndpointAsync(new AutomationQuotas { Concurrent = 1, Queued = 0 });
        await using var __ = endpoint;
        endpoint.AccountOf = key => Task.FromResult<string?>(key == "member-key" ? "222233334444" : null);
        using var east = Ssm(endpoint);
        using var west = Ssm(endpoint, "eu-west-1");
        using var member = Ssm(endpoint, key: "member-key");

        await StartAsync(east);
        await Assert.ThrowsAsync<AutomationExecutionLimitExceededException>(() => StartAsync(east));
        await StartAsync(west);
        await StartAsync(member);

        Assert.Equal(
            [SsmService.Anonymous, SsmService.Anonymous with { Region = "eu-west-1" }, SsmService.Anonymous with { Account = "222233334444" }],
            endpoint.Ssm.Executions.Select(e => e.Caller));
    }

    [Fact]
    public async Task Start_FasterThanTheRate_ThrottlingExceptionUntilTheBucketRefills()
    {
        var (endpoint, clock) = await EndpointAsync(new AutomationQuotas { StartsPerSecond = 2, Burst = 2 });
        await using var _ = endpoint;
        using var ssm = Ssm(endpoint);

        await StartAsync(ssm);
        await StartAsync(ssm);
        var throttled = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => StartAsync(ssm));

        Assert.Equal((HttpStatusCode.BadRequest, "ThrottlingException"), (throttled.StatusCode, throttled.ErrorCode));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await StartAsync(ssm);
        Assert.Equal(3, endpoint.Ssm.Executions.Count);
    }

    [Fact]
    public async Task Start_ReplayedClientToken_ReturnsItsExecutionWithoutTakingASlot()
    {
        var (endpoint, _) = await EndpointAsync(new AutomationQuotas { Concurrent = 1, Queued = 0 });
        await using var __ = endpoint;
        using var ssm = Ssm(endpoint);
        var request = new StartAutomationExecutionRequest { DocumentName = Runbook, ClientToken = Guid.NewGuid().ToString() };

        var first = await ssm.StartAutomationExecutionAsync(request);
        var replay = await ssm.StartAutomationExecutionAsync(request);

        Assert.Equal(first.AutomationExecutionId, replay.AutomationExecutionId);
        await Assert.ThrowsAsync<AutomationExecutionLimitExceededException>(() => StartAsync(ssm));
    }

    /// <summary>AWS's documented defaults: 100 running per account and Region, 1,000 more queued, then refused.</summary>
    [Fact]
    public async Task Start_DefaultQuotas_HundredRunThousandWaitThenRefused()
    {
        var (endpoint, _) = await EndpointAsync();
        await using var __ = endpoint;
        using var ssm = Ssm(endpoint);

        for (var i = 0; i < 1100; i++) await StartAsync(ssm);
        await Assert.ThrowsAsync<AutomationExecutionLimitExceededException>(() => StartAsync(ssm));

        Assert.Equal(100, endpoint.Ssm.Executions.Count(e => e.Begins == Start));
        Assert.Equal(100, endpoint.Ssm.Running(SsmService.Anonymous));
    }
}
