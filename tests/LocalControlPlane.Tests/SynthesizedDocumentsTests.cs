using System.Text.Json.Nodes;
using LocalControlPlane.Automation;
using LocalControlPlane.Tests.Support;
using Remediation.Testing;

namespace LocalControlPlane.Tests;

/// <summary>The runbook and command documents `cdk synth` writes, run by the local control plane.</summary>
public sealed class SynthesizedDocumentsTests(SynthesizedAssembly synthesized) : IClassFixture<SynthesizedAssembly>
{
    const string VerifyHost = "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com";

    static readonly string[] ContractParameters =
    [
        "AutomationAssumeRole", "ClusterArn", "ContainerInstanceArn", "FixHost", "Resolver", "VerifyHost", "Reschedule",
        "TaskDefinitionArn", "Group", "StartedBy", "CapacityProvider", "Subnets", "SecurityGroups", "ContainerOverrides", "NotificationTopicArn",
    ];

    string RunbookName => synthesized.Catalog.Functions.Single(f => f.Environment.ContainsKey("REMEDIATOR_RUNBOOK_NAME")).Environment["REMEDIATOR_RUNBOOK_NAME"];

    [Fact]
    public void Catalog_RemediatorsRunbookName_NamesAnAutomationDocumentWithTheContractsParameters()
    {
        var function = synthesized.Catalog.Functions.Single(f => f.Environment.ContainsKey("REMEDIATOR_RUNBOOK_NAME"));
        var runbook = synthesized.Catalog.Get(RunbookName, "Automation");

        Assert.Equal("Remediator::Remediator.Function::Handle", function.Handler);
        Assert.Equal(ContractParameters.Order(), runbook.Parameters.Select(p => p.Name).Order());
        Assert.Equal(function.Environment["REMEDIATOR_AUTOMATION_ROLE_ARN"], runbook.Parameters.Single(p => p.Name == "AutomationAssumeRole").Default!.GetValue<string>());
        Assert.All(runbook.Parameters.Single(p => p.Name == "Subnets").Default!.AsArray(), s => Assert.Matches("^subnet-[0-9a-f]{8,17}$", s!.GetValue<string>()));
    }

    const string FixHostVerdict = "verdict=fix-host\nsummary: resolv.conf is at risk\n{\"verdict\":\"fix-host\"}\n";

    [Fact]
    public async Task Runbook_EvidenceSaysFixHost_RunsEvidenceThenResolvFixWithTheScriptsVerbatimAndSucceeds()
    {
        var (plane, shell, launcher) = Setup((0, FixHostVerdict), (0, "{\"action\":\"fix\"}\n"));

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters());

        Assert.Equal("Success", execution.Status);
        Assert.Equal(3, execution.DocumentsRun.Count);
        Assert.Equal(2, shell.Runs.Count);
        var (instance, evidence) = shell.Runs[0];
        Assert.Equal("i-0aaaaaaaaaaaaaaa1", instance);
        Assert.Equal([Script("hostlib.sh"), Script("resolv-fix.sh"), Script("efs-evidence.sh")], Embedded(evidence));
        Assert.Contains($"--verify-host \"{VerifyHost}\" --file-system-id '[\"{Build.FileSystemId}\"]' --region \"us-east-1\"", evidence);
        var fix = shell.Runs[1].Script;
        Assert.Equal([Script("hostlib.sh"), Script("resolv-fix.sh")], Embedded(fix));
        Assert.Contains("args=(\"fix\" --resolver \"169.254.169.253\")", fix);
        Assert.DoesNotContain("{{", evidence + fix);
        Assert.Empty(plane.Sns.Notifications);
        Assert.Empty(launcher.Launches);
    }

    [Fact]
    public async Task Runbook_EfsVolumeAfterABindMountWithoutVerifyHost_TestsTheNameOfTheEfsVolumesFileSystem()
    {
        var (plane, shell, _) = Setup((0, FixHostVerdict), (0, ""));

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters(("VerifyHost", null)));

        var described = await plane.Ecs.InvokeAsync("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = Build.TaskDefinition }, CancellationToken.None);
        Assert.NotNull(described["taskDefinition"]!["volumes"]![0]!["host"]);
        Assert.Equal("Success", execution.Status);
        Assert.Contains($"--verify-host \"\" --file-system-id '[\"{Build.FileSystemId}\"]' --region \"us-east-1\"", shell.Runs[0].Script);
    }

    [Theory]
    [InlineData("not-dns", "not the local resolver; check mount target in the AZ, DNS hostnames, file system id")]
    [InlineData("healthy", "its resolv.conf is healthy: not the local resolver")]
    [InlineData("unknown", "gave no verdict")]
    public async Task Runbook_EvidenceSaysNotTheLocalResolver_NotifiesWithTheEvidenceAndChangesNothing(string verdict, string expected)
    {
        var (plane, shell, launcher) = Setup((0, $"verdict={verdict}\nsummary: what was found\n"));

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters(("Reschedule", "yes"),
            ("Group", "family:app"), ("StartedBy", "ecs-dns-remediation/attempt-1")));

        var message = plane.Sns.Notifications.Single().Message;
        Assert.Contains(expected, message);
        Assert.Contains("summary: what was found", message);
        Assert.Single(shell.Runs);
        Assert.Empty(launcher.Launches);
        Assert.Equal("Success", execution.Status);
    }

    [Fact]
    public async Task Runbook_ForgedVerdictLaterInTheOutput_IsNotAVerdict()
    {
        var (plane, shell, _) = Setup((0, "summary: a log line\nverdict=fix-host\n"));

        await plane.Executor.RunAsync(RunbookName, FixParameters());

        Assert.Single(shell.Runs);
        Assert.Contains("gave no verdict", plane.Sns.Notifications.Single().Message);
    }

    [Theory]
    [InlineData(4, 0, 1, "The evidence command failed")]
    [InlineData(0, 4, 2, "The host fix (resolv-fix) failed")]
    public async Task Runbook_CommandFails_NotifiesWithoutItsOutputsAndEndsFailed(int evidenceExit, int fixExit, int runs, string expected)
    {
        var (plane, shell, launcher) = Setup((evidenceExit, FixHostVerdict), (fixExit, ""));

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters(("Reschedule", "yes"),
            ("Group", "family:app"), ("StartedBy", "ecs-dns-remediation/attempt-1")));

        Assert.Equal("Failed", execution.Status);
        Assert.StartsWith(expected, plane.Sns.Notifications.Single().Message);
        Assert.Equal(runs, shell.Runs.Count);
        Assert.Empty(launcher.Launches);
    }

    [Fact]
    public void Runbook_FileSystemSelector_FindsEveryEfsVolumeWhereverItSitsAndNoFsxVolume()
    {
        var describe = synthesized.Catalog.Get(RunbookName, "Automation").Content["mainSteps"]!.AsArray()
            .Single(s => (string?)s!["name"] == "DescribeTaskDefinition")!;
        var output = describe["outputs"]![0]!;
        // Volume shapes of ECS's DescribeTaskDefinition (botocore ecs service-2.json: Volume).
        var response = JsonNode.Parse("""
            {"taskDefinition":{"volumes":[
              {"name":"scratch","host":{"sourcePath":"/var/tmp"}},
              {"name":"windows","fsxWindowsFileServerVolumeConfiguration":{"fileSystemId":"fs-0fffffffffffffff0","rootDirectory":"share",
                "authorizationConfig":{"credentialsParameter":"arn:aws:ssm:us-east-1:111122223333:parameter/x","domain":"corp"}}},
              {"name":"data","efsVolumeConfiguration":{"fileSystemId":"fs-0123456789abcdef0","authorizationConfig":{"accessPointId":"fsap-0123456789abcdef0","iam":"ENABLED"}}},
              {"name":"docker","dockerVolumeConfiguration":{"scope":"task","driver":"local"}},
              {"name":"more","efsVolumeConfiguration":{"fileSystemId":"fs-0aaaaaaaaaaaaaaa0"}}]}}
            """);

        var selected = JsonPathSelector.Select(response, (string)output["Selector"]!);

        Assert.Equal("StringList", (string?)output["Type"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["fs-0123456789abcdef0","fs-0aaaaaaaaaaaaaaa0"]"""), selected));
    }

    [Fact]
    public async Task Runbook_TaskDefinitionWithoutEfsVolume_TestsOnlyTheNameFromTheReason()
    {
        var shell = new FakeShell();
        shell.Answer(0, "verdict=unknown\nsummary: what was found\n");
        var safe = synthesized.Catalog.Get(RunbookName, "Automation").Parameters.Single(p => p.Name == "CapacityProvider").Default!.GetValue<string>();
        var plane = Build.Plane(synthesized.Catalog, shell, new FakeLauncher(), ["default", safe], efsVolume: false);

        await plane.Executor.RunAsync(RunbookName, FixParameters());

        Assert.Contains($"--verify-host \"{VerifyHost}\" --file-system-id '[]' --region \"us-east-1\"", shell.Runs.Single().Script);
        Assert.Contains("gave no verdict", plane.Sns.Notifications.Single().Message);
    }

    [Fact]
    public async Task Runbook_NoTaskDefinition_NotifiesAndRunsNoCommand()
    {
        var (plane, shell, _) = Setup();

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters(("TaskDefinitionArn", null)));

        Assert.Equal("Success", execution.Status);
        Assert.Empty(shell.Runs);
        Assert.Contains("No TaskDefinitionArn was given", plane.Sns.Notifications.Single().Message);
    }

    [Fact]
    public async Task Runbook_RescheduleOnly_RunsTheTaskOnTheSafeCapacityAndNoCommand()
    {
        var (plane, shell, launcher) = Setup();

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters(("FixHost", "no"), ("Reschedule", "yes"),
            ("Group", "family:app"), ("StartedBy", "ecs-dns-remediation/attempt-2")));

        Assert.Equal("Success", execution.Status);
        Assert.Empty(shell.Runs);
        Assert.Equal(Build.SafeInstance, launcher.Launches.Single().Instance.Arn);
        var task = plane.Ecs.Tasks.Single();
        Assert.Equal(("family:app", "ecs-dns-remediation/attempt-2"), (task.Group, task.StartedBy));
        Assert.Equal(task.TaskArn, execution.Outputs["RescheduleTask.TaskArn"].GetValue<string>());
    }

    [Theory]
    [InlineData("StartedBy", "someone-else")]
    [InlineData("Group", "service:web; rm -rf /")]
    [InlineData("Resolver", "169.254.169.253 --dry-run")]
    [InlineData("VerifyHost", "x\"; reboot; \"")]
    public void Runbook_ValueBreakingTheContract_IsRejectedBeforeAnythingRuns(string name, string value)
    {
        var (plane, _, _) = Setup();

        var error = Assert.Throws<ControlPlaneError>(() => plane.Executor.Prepare(RunbookName, FixParameters((name, value))));

        Assert.Equal(AutomationExecutor.ParametersError, error.Code);
    }

    string Script(string name) => File.ReadAllText(Path.Combine(synthesized.Root, "hostscripts", name));

    /// <summary>A control plane whose instance shell answers the commands in order (exit code, stdout).</summary>
    (ControlPlane, FakeShell, FakeLauncher) Setup(params (int ExitCode, string Stdout)[] answers)
    {
        var shell = new FakeShell();
        foreach (var (exitCode, stdout) in answers) shell.Answer(exitCode, stdout);
        var launcher = new FakeLauncher();
        var safe = synthesized.Catalog.Get(RunbookName, "Automation").Parameters.Single(p => p.Name == "CapacityProvider").Default!.GetValue<string>();
        return (Build.Plane(synthesized.Catalog, shell, launcher, ["default", safe]), shell, launcher);
    }

    /// <summary>The runbook's parameters for a host fix; an extra value of null leaves that parameter out.</summary>
    static IReadOnlyDictionary<string, IReadOnlyList<string>> FixParameters(params (string Name, string? Value)[] extra)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>
        {
            ["ClusterArn"] = [Build.Cluster],
            ["ContainerInstanceArn"] = [Build.Instance],
            ["VerifyHost"] = [VerifyHost],
            ["TaskDefinitionArn"] = [Build.TaskDefinition],
        };
        foreach (var (name, value) in extra)
        {
            if (value is null) values.Remove(name);
            else values[name] = [value];
        }
        return values;
    }

    /// <summary>
    /// The host scripts as the instance gets them: bash runs the command script up to the line that runs a script
    /// from $dir, then the files in $dir are read, in the order the script writes them (text, or decoded).
    /// </summary>
    static List<string> Embedded(string script) => EmbeddedFiles.Written(script).Select(f => f.Content).ToList();

}
