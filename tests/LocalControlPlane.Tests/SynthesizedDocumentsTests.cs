using System.Text.Json.Nodes;
using LocalControlPlane.Automation;
using LocalControlPlane.Tests.Support;

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

    [Fact]
    public async Task Runbook_HostFixSucceeds_RunsResolvFixWithTheScriptVerbatimAndSucceeds()
    {
        var (plane, shell, launcher) = Setup(exitCode: 0);

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters());

        Assert.Equal("Success", execution.Status);
        Assert.Equal(2, execution.DocumentsRun.Count);
        Assert.Equal(RunbookName, execution.DocumentsRun[0]);
        var (instance, script) = shell.Runs.Single();
        Assert.Equal("i-0aaaaaaaaaaaaaaa1", instance);
        Assert.Equal(File.ReadAllText(Path.Combine(synthesized.Root, "hostscripts", "resolv-fix.sh")), Embedded(script));
        Assert.Contains("args=(\"fix\" --resolver \"169.254.169.253\")", script);
        Assert.Contains($"args+=(--verify-host \"{VerifyHost}\")", script);
        Assert.DoesNotContain("{{", script);
        Assert.Empty(plane.Sns.Notifications);
        Assert.Empty(launcher.Launches);
    }

    [Fact]
    public async Task Runbook_VerifyHostDoesNotResolve_NotifiesTheCauseAndReschedulesNothing()
    {
        var (plane, _, launcher) = Setup(exitCode: 3);

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters(("Reschedule", "yes"), ("TaskDefinitionArn", Build.TaskDefinition),
            ("Group", "family:app"), ("StartedBy", "ecs-dns-remediation/attempt-1")));

        var message = plane.Sns.Notifications.Single().Message;
        Assert.StartsWith($"{VerifyHost} does not resolve through the VPC resolver 169.254.169.253 from i-0aaaaaaaaaaaaaaa1: not the local resolver; check mount target in the AZ, DNS hostnames, file system id", message);
        Assert.Empty(launcher.Launches);
        Assert.Equal("Success", execution.Status);
    }

    [Fact]
    public async Task Runbook_HostFixFailsOtherwise_NotifiesTheExitCodeAndFails()
    {
        var (plane, _, launcher) = Setup(exitCode: 4);

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters());

        Assert.Equal("Failed", execution.Status);
        Assert.Contains("host fix failed with exit code 4", plane.Sns.Notifications.Single().Message);
        Assert.Empty(launcher.Launches);
    }

    [Fact]
    public async Task Runbook_RescheduleOnly_RunsTheTaskOnTheSafeCapacityAndNoCommand()
    {
        var (plane, shell, launcher) = Setup(exitCode: 0);

        var execution = await plane.Executor.RunAsync(RunbookName, FixParameters(("FixHost", "no"), ("Reschedule", "yes"), ("TaskDefinitionArn", Build.TaskDefinition),
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
        var (plane, _, _) = Setup(exitCode: 0);

        var error = Assert.Throws<ControlPlaneError>(() => plane.Executor.Prepare(RunbookName, FixParameters((name, value))));

        Assert.Equal(AutomationExecutor.ParametersError, error.Code);
    }

    (ControlPlane, FakeShell, FakeLauncher) Setup(int exitCode)
    {
        var shell = new FakeShell().Answer(exitCode, stdout: "{\"action\":\"fix\"}\n");
        var launcher = new FakeLauncher();
        var safe = synthesized.Catalog.Get(RunbookName, "Automation").Parameters.Single(p => p.Name == "CapacityProvider").Default!.GetValue<string>();
        return (Build.Plane(synthesized.Catalog, shell, launcher, ["default", safe]), shell, launcher);
    }

    static IReadOnlyDictionary<string, IReadOnlyList<string>> FixParameters(params (string Name, string Value)[] extra)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>
        {
            ["ClusterArn"] = [Build.Cluster],
            ["ContainerInstanceArn"] = [Build.Instance],
            ["VerifyHost"] = [VerifyHost],
        };
        foreach (var (name, value) in extra) values[name] = [value];
        return values;
    }

    /// <summary>The heredoc body of the command script: the host script as the instance gets it.</summary>
    static string Embedded(string script)
    {
        var lines = script.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("cat > \"${script}\" <<'", StringComparison.Ordinal));
        var delimiter = lines[start][(lines[start].IndexOf("<<'", StringComparison.Ordinal) + 3)..^1];
        var end = Array.IndexOf(lines, delimiter, start + 1);
        return string.Join("\n", lines[(start + 1)..end]) + "\n";
    }
}
