using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalAws;
using LocalControlPlane;
using LocalControlPlane.Documents;
using LocalControlPlane.Ecs;
using LocalControlPlane.Lab;
using Remediation.Contracts;
using Remediator.Demo;

// One pass of the remediation loop against the lab: the Remediator, configured from its template, gets the
// event; the control plane runs whatever it starts; the ECS scheduler replaces the stopped task. The timeline
// goes to stderr, one JSON object to stdout. With "fleet-endpoint" first: the lab's instances behind a local SSM
// endpoint, for the fleet commands (FleetEndpoint.cs).
var stdout = Console.Out;
var timeline = Console.Error;
try
{
    if (args is [FleetEndpoint.Mode, .. var fleetArgs]) return await FleetEndpoint.RunAsync(fleetArgs, stdout, timeline);
    var options = DemoOptions.Parse(args);
    var detail = JsonNode.Parse(File.ReadAllText(options.EventFile))?["detail"] as JsonObject
        ?? throw new ArgumentException($"{options.EventFile}: not an ECS event (no detail)");
    string Field(string name) => detail[name]?.GetValue<string>() ?? throw new ArgumentException($"{options.EventFile}: detail.{name} is missing");
    var clusterArn = Field("clusterArn");
    var containerInstanceArn = Field("containerInstanceArn");
    var taskDefinitionArn = Field("taskDefinitionArn");
    var group = Field("group");

    var catalog = DocumentCatalog.Load(options.CloudAssembly);
    var function = catalog.Functions.SingleOrDefault(f => f.Environment.ContainsKey(RemediatorEnvironment.RunbookName))
        ?? throw new CloudAssemblyException($"{options.CloudAssembly}: no Lambda function with {RemediatorEnvironment.RunbookName} in its environment");
    timeline.WriteLine($"[demo] cdk.out: documents {string.Join(", ", catalog.Documents.Keys)}; the Remediator is {function.Handler} ({function.Runtime})");

    var hook = new LabHook(options.Hook, timeline);
    var instance = new ContainerInstance
    {
        Arn = containerInstanceArn,
        ClusterArn = clusterArn,
        Ec2InstanceId = options.Ec2InstanceId,
        CapacityProvider = "lab-instances",
        Attributes = new Dictionary<string, string> { ["ecs.os-type"] = "linux" },
    };
    var capacityProviders = new[] { "lab-instances", function.Environment.GetValueOrDefault(RemediatorEnvironment.SafeCapacityProvider, "") }.Where(p => p.Length > 0);
    var plane = ControlPlane.Create(catalog, launcher => new LocalEcs(clusterArn, [instance], [taskDefinitionArn], capacityProviders, launcher,
        new Dictionary<string, string> { [taskDefinitionArn] = options.FileSystemId }), hook, hook, timeline);
    // The Command documents the runbook's steps run: the evidence (read-only) and the host fix.
    var runbookSteps = catalog.Get(function.Environment[RemediatorEnvironment.RunbookName], "Automation").Content["mainSteps"]!.AsArray();
    string StepDocument(string step) => runbookSteps.Single(s => (string?)s!["name"] == step)!["inputs"]!["DocumentName"]!.GetValue<string>();
    var evidenceDocument = StepDocument("GatherEvidence");
    var fixDocument = StepDocument("FixHost");

    await using var runner = new AutomationRunner(plane.Executor);
    await using var aws = await LocalAwsEndpoint.StartAsync();
    aws.Ssm.UseAutomationRunner(runner);
    aws.Dynamo.CreateTable(function.Environment[RemediatorEnvironment.ClaimsTable], ClaimsTable.PartitionKey);

    // The function's environment as the template sets it, plus what Lambda sets and the local endpoints.
    foreach (var (name, value) in function.Environment) Environment.SetEnvironmentVariable(name, value);
    Environment.SetEnvironmentVariable("AWS_REGION", catalog.Account.Region);
    Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_SSM", aws.Url);
    Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_DYNAMODB", aws.Url);
    Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIALOCALCONTROLPLANE");
    Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "local-control-plane-secret");
    Environment.SetEnvironmentVariable("AWS_MAX_ATTEMPTS", "2");
    timeline.WriteLine($"[demo] local SSM (runbooks run by the control plane) and DynamoDB {aws.Url}; runbook {function.Environment.GetValueOrDefault(RemediatorEnvironment.RunbookName)}");

    // The Remediator logs JSON lines on stdout, as in Lambda: here they join the timeline.
    Console.SetOut(new LinePrefixWriter(timeline, "[remediator] "));
    var runtime = LambdaRuntime.Load(function.Handler);
    var clock = Stopwatch.StartNew();
    string responseText;
    await using (var input = File.OpenRead(options.EventFile))
        responseText = await runtime.InvokeAsync(input);
    Console.Out.Flush();
    timeline.WriteLine($"[demo] the Remediator answered: {responseText}");
    var response = JsonNode.Parse(responseText) as JsonObject ?? [];

    var executions = await runner.WaitForExecutionsAsync();
    EcsTask? after;
    if (group.StartsWith("service:", StringComparison.Ordinal))
    {
        timeline.WriteLine($"[demo] the ECS service scheduler starts a replacement task for {group} on the container instance");
        after = await plane.Ecs.StartServiceTaskAsync(group, containerInstanceArn, taskDefinitionArn, CancellationToken.None);
    }
    else
    {
        after = plane.Ecs.Tasks.LastOrDefault(t => t.StartedBy.StartsWith(AttemptMarker.Prefix, StringComparison.Ordinal));
    }
    var elapsed = clock.ElapsedMilliseconds;

    var result = new JsonObject
    {
        ["decision"] = response["decision"]?.GetValue<string>(),
        ["outcome"] = response["outcome"]?.GetValue<string>(),
        ["detail"] = response["detail"]?.GetValue<string>(),
        ["executions"] = new JsonArray(executions.Select(e => (JsonNode?)new JsonObject
        {
            ["id"] = e.Id,
            ["document"] = e.DocumentName,
            ["status"] = e.Status,
            ["failure"] = e.FailureMessage,
            ["steps"] = new JsonArray(e.Steps.Select(s => (JsonNode?)JsonValue.Create($"{s.StepName}:{s.Status}")).ToArray()),
        }).ToArray()),
        ["documents_run"] = new JsonArray(executions.SelectMany(e => e.DocumentsRun).Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
        ["evidence"] = new JsonArray(plane.Commands.Invocations.Where(c => c.DocumentName == evidenceDocument).Select(c => (JsonNode?)new JsonObject
        {
            ["status"] = c.Status,
            ["verdict"] = c.StandardOutput.Split('\n')[0],
            ["summary"] = LastJsonLine(c.StandardOutput),
        }).ToArray()),
        ["host_fixes"] = new JsonArray(plane.Commands.Invocations.Where(c => c.DocumentName == fixDocument).Select(c => (JsonNode?)new JsonObject
        {
            ["document"] = c.DocumentName,
            ["status"] = c.Status,
            ["response_code"] = c.ResponseCode,
            ["summary"] = LastJsonLine(c.StandardOutput),
        }).ToArray()),
        ["notifications"] = new JsonArray(plane.Sns.Notifications.Select(n => (JsonNode?)new JsonObject
        {
            ["topic"] = n.TopicArn,
            ["subject"] = n.Subject,
            ["message"] = n.Message,
        }).ToArray()),
        ["task_after"] = after is null ? null : new JsonObject
        {
            ["taskArn"] = after.TaskArn,
            ["startedBy"] = after.StartedBy,
            ["lastStatus"] = after.LastStatus,
            ["stoppedReason"] = after.StoppedReason,
        },
        ["time_to_remediate_ms"] = elapsed,
    };
    stdout.WriteLine(result.ToJsonString());
    return 0;
}
catch (Exception e) when (e is ArgumentException or JsonException or CloudAssemblyException or ControlPlaneError or InvalidOperationException or IOException)
{
    Console.Out.Flush();
    timeline.WriteLine($"Remediator.Demo: error: {e.Message}");
    return e is ArgumentException or JsonException ? 2 : 1;
}

static JsonNode? LastJsonLine(string text)
{
    var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
    try
    {
        return last is null ? null : JsonNode.Parse(last);
    }
    catch (JsonException)
    {
        return null;
    }
}
