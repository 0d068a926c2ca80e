using System.Text.Json.Nodes;
using LocalAws.Models;
using LocalControlPlane.Automation;
using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

/// <summary>
/// The inputs of every aws:executeAwsApi step of the synthesized runbook, after the local control plane has
/// substituted parameters and step outputs, judged by botocore's model of that service (ecs, sns): what boto3
/// and then the service would refuse fails here. The steps come from the runbook itself; the runs below must
/// between them reach every one, or the test says which one none reached.
/// </summary>
public sealed class RunbookApiInputsTests(SynthesizedAssembly synthesized) : IClassFixture<SynthesizedAssembly>
{
    const string VerifyHost = "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com";

    string RunbookName => synthesized.Catalog.Functions.Single(f => f.Environment.ContainsKey("REMEDIATOR_RUNBOOK_NAME")).Environment["REMEDIATOR_RUNBOOK_NAME"];

    /// <summary>What the evidence command prints first when the runbook must fix the host.</summary>
    const string FixHost = "verdict=fix-host\n";

    /// <summary>
    /// The runs, each with the instance's answers to the commands in order (evidence, then host fix): host fix
    /// alone, fix and reschedule with large overrides, reschedule alone, each evidence verdict that leaves the host
    /// alone, a failed evidence command, a failed host fix, and no task definition to read the EFS name from.
    /// </summary>
    static readonly (string Name, (int ExitCode, string Stdout)[] Answers, (string Name, string[]? Values)[] Parameters)[] Runs =
    [
        ("host fix", [(0, FixHost), (0, "")], []),
        ("host fix and reschedule", [(0, FixHost), (0, "")], Reschedule("yes")),
        ("reschedule only", [], [.. Reschedule("no")]),
        ("resolv.conf healthy", [(0, "verdict=healthy\n")], Reschedule("yes")),
        ("name does not resolve", [(0, "verdict=not-dns\n")], Reschedule("yes")),
        ("no verdict", [(0, "verdict=unknown\n")], []),
        ("evidence fails", [(4, "")], []),
        ("host fix fails", [(0, FixHost), (4, "")], []),
        ("no task definition", [], [("TaskDefinitionArn", null)]),
    ];

    static (string Name, string[]? Values)[] Reschedule(string fixHost) =>
    [
        ("FixHost", [fixHost]),
        ("Reschedule", ["yes"]),
        ("TaskDefinitionArn", [Build.TaskDefinition]),
        ("Group", ["family:app"]),
        ("StartedBy", ["ecs-dns-remediation/attempt-1"]),
        ("Subnets", ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]),
        ("ContainerOverrides",
        [
            """{"name":"app","command":["sh","-c","exec app --serve"],"environment":[{"name":"MODE","value":"primary"}],"memoryReservation":256}""",
            """{"name":"sidecar","cpu":128}""",
        ]),
    ];

    async Task<IReadOnlyList<StepExecution>> RunAsync((int ExitCode, string Stdout)[] answers, (string Name, string[]? Values)[] extra)
    {
        var shell = new FakeShell();
        foreach (var (exitCode, stdout) in answers) shell.Answer(exitCode, stdout);
        var safe = synthesized.Catalog.Get(RunbookName, "Automation").Parameters.Single(p => p.Name == "CapacityProvider").Default!.GetValue<string>();
        var plane = Build.Plane(synthesized.Catalog, shell, new FakeLauncher(), ["default", safe]);
        var parameters = new Dictionary<string, IReadOnlyList<string>>
        {
            ["ClusterArn"] = [Build.Cluster],
            ["ContainerInstanceArn"] = [Build.Instance],
            ["VerifyHost"] = [VerifyHost],
            ["TaskDefinitionArn"] = [Build.TaskDefinition],
        };
        foreach (var (name, values) in extra)
        {
            if (values is null) parameters.Remove(name);
            else parameters[name] = values;
        }
        var execution = await plane.Executor.RunAsync(RunbookName, parameters);
        return execution.Steps;
    }

    static IReadOnlyList<Violation> Judge(JsonObject inputs)
    {
        var service = inputs["Service"]!.GetValue<string>();
        var api = inputs["Api"]!.GetValue<string>();
        var request = new JsonObject(inputs.Where(p => p.Key is not ("Service" or "Api")).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var model = ServiceModel.Load(service);
        return model.HasOperation(api)
            ? model.Validate(api, request)
            : [new Violation("Api", api, $"{service} has no operation {api}")];
    }

    [Fact]
    public async Task ExecuteAwsApiSteps_EveryRun_InputsTheServiceModelAccepts()
    {
        var failures = new List<string>();
        var reached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, answers, parameters) in Runs)
            foreach (var step in (await RunAsync(answers, parameters)).Where(s => s.Action == "aws:executeAwsApi"))
            {
                reached.Add(step.StepName);
                var inputs = Assert.IsType<JsonObject>(step.Inputs);
                if (ServiceModel.Message(Judge(inputs)) is { } message)
                    failures.Add($"{name}: step {step.StepName} ({inputs["Service"]}.{inputs["Api"]}): {message}");
            }

        var declared = synthesized.Catalog.Get(RunbookName, "Automation").Content["mainSteps"]!.AsArray()
            .Where(s => s!["action"]!.GetValue<string>() == "aws:executeAwsApi")
            .Select(s => s!["name"]!.GetValue<string>())
            .ToList();
        Assert.NotEmpty(declared);
        Assert.Empty(declared.Except(reached));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Judge_RunTaskWithoutItsTaskDefinition_Rejected()
    {
        var runTask = (await RunAsync([], Reschedule("no"))).Single(s => s.Action == "aws:executeAwsApi" && s.Inputs!["Api"]!.GetValue<string>() == "RunTask");
        var inputs = (JsonObject)runTask.Inputs!.DeepClone();
        Assert.Empty(Judge(inputs));

        inputs.Remove("taskDefinition");

        Assert.Equal("taskDefinition", Assert.Single(Judge(inputs)).Path);
    }
}
