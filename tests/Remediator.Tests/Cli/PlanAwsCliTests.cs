using Remediation.Contracts;
using System.Text.Json.Nodes;
using LocalAws.Models;
using Remediator.Acting;
using Remediator.Cli;
using Remediator.Planning;
using Remediator.Tests.Acting;
using Remediator.Tests.Support;

namespace Remediator.Tests.Cli;

/// <summary>
/// <c>plan FILE --aws-cli</c>: the request it prints is judged by botocore's SSM model, and is the very body the
/// function sends for the same event (recorded by the local endpoint).
/// </summary>
public sealed class PlanAwsCliTests : IDisposable
{
    static readonly ServiceModel Ssm = ServiceModel.Load("ssm");

    readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("plan-aws-cli-");

    public void Dispose() => scratch.Delete(recursive: true);

    public static TheoryData<string> Samples() => new(Corpus.Files("failure").Concat(Corpus.Files("healthy")));

    /// <summary>The samples the function acts on with <see cref="ActingHarness"/>'s settings: a host fix, and a reschedule for standalone tasks.</summary>
    public static TheoryData<string> ActingSamples() => new(ActingFiles());

    static IEnumerable<string> ActingFiles() => Corpus.Files("failure").Where(f =>
        Planner.Plan(Remediator.Events.EventParser.Parse(Corpus.Bytes(f)), ActingHarness.Settings()) is { Execute: true, FixHost: not null });

    string Config(string mode = "remediate", string runbook = ActingHarness.Runbook)
    {
        var path = Path.Combine(scratch.FullName, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, new JsonObject
        {
            [RemediatorEnvironment.SafeCapacityProvider] = "safe-capacity",
            [RemediatorEnvironment.Mode] = mode,
            [RemediatorEnvironment.RunbookName] = runbook,
            [RemediatorEnvironment.AutomationRoleArn] = ActingHarness.Role,
            [RemediatorEnvironment.ClaimsTable] = ActingHarness.Table,
        }.ToJsonString());
        return path;
    }

    string EventFile(byte[] json)
    {
        var path = Path.Combine(scratch.FullName, $"event-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(path, json);
        return path;
    }

    static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, string? config)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await PlanCommand.RunAsync(file, config, stdout, stderr, CancellationToken.None, awsCli: true);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    static void AssertModelAccepts(string stdout)
    {
        var request = JsonNode.Parse(stdout)!.AsObject();
        var violations = Ssm.Validate("StartAutomationExecution", request);
        Assert.True(violations.Count == 0, ServiceModel.Message(violations));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task PlanAwsCli_EverySample_ARequestTheSsmModelAcceptsOrTheReasonOnStderr(string sample)
    {
        var (exit, stdout, stderr) = await RunAsync(Corpus.Path(sample), Config());

        Assert.Equal(ExitCodes.Ok, exit);
        if (stdout.Length == 0)
            Assert.StartsWith("remediator plan: no runbook start: ", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        else
            AssertModelAccepts(stdout);
    }

    [Fact]
    public void ActingSamples_IncludeStandaloneServiceAndCutHost()
    {
        var acting = ActingFiles().ToList();

        Assert.Contains(Path.Combine("failure", "ec2-awsvpc-standalone.json"), acting);
        Assert.Contains(Path.Combine("failure", "ec2-awsvpc-service.json"), acting);
        Assert.Contains(Path.Combine("failure", "ec2-awsvpc-truncated-in-host.json"), acting);
    }

    [Theory]
    [MemberData(nameof(ActingSamples))]
    public async Task PlanAwsCli_ActingSample_PrintsTheBodyTheFunctionSends(string sample)
    {
        await using var harness = await ActingHarness.StartAsync();
        await CatchAsync(() => harness.HandleAsync(SampleEvents.Load(Path.GetFileName(sample))));
        var sent = Assert.Single(harness.Endpoint.RequestsOf("StartAutomationExecution")).Body;

        var (exit, stdout, _) = await RunAsync(Corpus.Path(sample), Config());

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.True(JsonNode.DeepEquals(sent, JsonNode.Parse(stdout)), $"sent {sent.ToJsonString()}\nprinted {stdout}");
    }

    [Fact]
    public async Task PlanAwsCli_CutHostName_RequestTheSsmModelAccepts()
    {
        var (_, stdout, _) = await RunAsync(Corpus.Path("failure/ec2-awsvpc-truncated-in-host.json"), Config());

        AssertModelAccepts(stdout);
    }

    [Fact]
    public async Task PlanAwsCli_LargeContainerOverrides_RequestTheSsmModelAccepts()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e => e["detail"]!["overrides"] = new JsonObject
        {
            ["containerOverrides"] = new JsonArray(new JsonObject
            {
                ["name"] = "app",
                ["command"] = new JsonArray("sh", "-c", new string('x', 400)),
                ["environment"] = new JsonArray(Enumerable.Range(0, 8)
                    .Select(i => (JsonNode?)new JsonObject { ["name"] = $"SETTING_{i}", ["value"] = new string('v', 100) }).ToArray()),
            }),
        });

        var (exit, stdout, stderr) = await RunAsync(EventFile(json), Config());

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.True(stdout.Length > 0, stderr);
        AssertModelAccepts(stdout);
    }

    /// <summary>A reschedule without the task's overrides is never printed: the start fixes the host only, and stderr says why.</summary>
    [Fact]
    public async Task PlanAwsCli_OverrideTooLongForTheRunbook_NoRescheduleInTheRequestAndTheReasonOnStderr()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e => e["detail"]!["overrides"] = new JsonObject
        {
            ["containerOverrides"] = new JsonArray(new JsonObject
            {
                ["name"] = "app",
                ["environment"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = new string('é', 1400) }),
            }),
        });

        var (exit, stdout, stderr) = await RunAsync(EventFile(json), Config());

        Assert.Equal(ExitCodes.Ok, exit);
        AssertModelAccepts(stdout);
        var parameters = JsonNode.Parse(stdout)!["Parameters"]!;
        Assert.Equal("no", parameters["Reschedule"]![0]!.GetValue<string>());
        Assert.Null(parameters["ContainerOverrides"]);
        Assert.Contains("not rescheduled", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task PlanAwsCli_ObserveMode_NothingOnStdoutAndTheReasonOnStderr()
    {
        var (exit, stdout, stderr) = await RunAsync(Corpus.Path("failure/ec2-awsvpc-standalone.json"), Config(mode: "observe"));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("remediator plan: no runbook start: remediate: observe mode: ", stderr);
    }

    [Fact]
    public async Task PlanAwsCli_NoConfig_NamesTheDeployedRunbook()
    {
        var (_, stdout, _) = await RunAsync(Corpus.Path("failure/ec2-awsvpc-service.json"), null);

        Assert.Equal(AwsCliRequest.DeployedRunbookName, JsonNode.Parse(stdout)!["DocumentName"]!.GetValue<string>());
    }

    [Fact]
    public async Task PlanAwsCli_BadRunbookNameInConfig_ExitsTwoWithOneLineAndNothingOnStdout()
    {
        var (exit, stdout, stderr) = await RunAsync(Corpus.Path("failure/ec2-awsvpc-service.json"), Config(runbook: "no spaces allowed"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", stdout);
        Assert.Contains(RemediatorEnvironment.RunbookName, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <summary>A hub's settings and an event of another account: the member's runbook, under its own role, as MemberActuator starts it.</summary>
    [Fact]
    public async Task PlanAwsCli_HubConfigAndAMemberEvent_TheMemberRunbookWithoutARoleAndWhereToStartIt()
    {
        var config = Path.Combine(scratch.FullName, "hub.json");
        File.WriteAllText(config, new JsonObject
        {
            [RemediatorEnvironment.SafeCapacityProvider] = "safe-capacity",
            [RemediatorEnvironment.RunbookName] = ActingHarness.Runbook,
            [RemediatorEnvironment.AutomationRoleArn] = ActingHarness.Role,
            [RemediatorEnvironment.HubAccount] = "999988887777",
            [RemediatorEnvironment.MemberRoleName] = "EcsDnsRemediationMember",
            [RemediatorEnvironment.MemberRunbookName] = "EcsDnsRemediationMember-Remediate",
        }.ToJsonString());

        var (exit, stdout, stderr) = await RunAsync(Corpus.Path("failure/ec2-awsvpc-standalone.json"), config);

        Assert.Equal(ExitCodes.Ok, exit);
        AssertModelAccepts(stdout);
        var request = JsonNode.Parse(stdout)!;
        Assert.Equal("EcsDnsRemediationMember-Remediate", request["DocumentName"]!.GetValue<string>());
        Assert.Null(request["Parameters"]!["AutomationAssumeRole"]);
        Assert.EndsWith("as arn:aws:iam::111122223333:role/EcsDnsRemediationMember-us-east-1", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task PlanAwsCli_ThroughTheProcess_PrintsOneJsonRequest()
    {
        var result = await CliProcess.RunAsync(null, "plan", Corpus.Path("failure/ec2-awsvpc-standalone.json"), "--aws-cli", "--config", Config());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        AssertModelAccepts(result.Stdout);
    }

    static async Task CatchAsync(Func<Task> handle)
    {
        try
        {
            await handle();
        }
        catch (Exception)
        {
            // A request the model rejects makes the invocation raise; its body is still recorded, and compared.
        }
    }
}
