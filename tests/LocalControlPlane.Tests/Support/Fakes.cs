using System.Text.Json.Nodes;
using LocalControlPlane.Actions;
using LocalControlPlane.Documents;
using LocalControlPlane.Ecs;
using LocalControlPlane.Templates;

namespace LocalControlPlane.Tests.Support;

/// <summary>An instance shell that records each script and answers with queued exit codes (0 when none is queued).</summary>
public sealed class FakeShell : IInstanceShell
{
    readonly Queue<ShellResult> answers = new();

    public List<(string InstanceId, string Script)> Runs { get; } = [];

    public FakeShell Answer(int exitCode, string stdout = "", string stderr = "")
    {
        answers.Enqueue(new ShellResult(exitCode, stdout, stderr));
        return this;
    }

    public Task<ShellResult> RunScriptAsync(string instanceId, string scriptPath, CancellationToken cancellationToken)
    {
        Runs.Add((instanceId, File.ReadAllText(scriptPath)));
        return Task.FromResult(answers.Count > 0 ? answers.Dequeue() : new ShellResult(0, "", ""));
    }
}

/// <summary>A task launcher whose tasks come up RUNNING, recording where they were placed.</summary>
public sealed class FakeLauncher : ITaskLauncher
{
    public List<TaskLaunch> Launches { get; } = [];

    public Task<TaskLaunchResult> LaunchAsync(TaskLaunch launch, CancellationToken cancellationToken)
    {
        Launches.Add(launch);
        return Task.FromResult(new TaskLaunchResult("RUNNING", null));
    }
}

/// <summary>Builds catalogs and control planes from hand-written documents.</summary>
public static class Build
{
    public const string Cluster = "arn:aws:ecs:us-east-1:111122223333:cluster/lab";
    public const string Instance = "arn:aws:ecs:us-east-1:111122223333:container-instance/lab/0123456789abcdef0123456789abcdef";
    public const string SafeInstance = "arn:aws:ecs:us-east-1:111122223333:container-instance/lab/fedcba9876543210fedcba9876543210";
    public const string TaskDefinition = "arn:aws:ecs:us-east-1:111122223333:task-definition/app:7";
    public const string FileSystemId = "fs-0123456789abcdef0";
    public const string Topic = "arn:aws:sns:us-east-1:111122223333:alerts";

    public static SsmDocument Document(string name, string type, string json) => new()
    {
        Name = name,
        DocumentType = type,
        Content = (JsonObject)JsonNode.Parse(json)!,
        Source = "test/" + name,
    };

    public static DocumentCatalog Catalog(params SsmDocument[] documents) => new()
    {
        Documents = documents.ToDictionary(d => d.Name),
        Functions = [],
        TopicArns = [Topic],
        Account = new LocalAccount(),
    };

    /// <summary>A control plane with the lab cluster; the task definition has an EFS volume unless <paramref name="efsVolume"/> is false.</summary>
    public static ControlPlane Plane(DocumentCatalog catalog, FakeShell shell, FakeLauncher launcher, IEnumerable<string>? capacityProviders = null,
        bool efsVolume = true) =>
        ControlPlane.Create(catalog, l => new LocalEcs(Cluster,
            [
                new ContainerInstance { Arn = Instance, ClusterArn = Cluster, Ec2InstanceId = "i-0aaaaaaaaaaaaaaa1", CapacityProvider = "default" },
                new ContainerInstance
                {
                    Arn = SafeInstance, ClusterArn = Cluster, Ec2InstanceId = "i-0bbbbbbbbbbbbbbb2", CapacityProvider = "dns-safe-capacity",
                    Attributes = new Dictionary<string, string> { ["dns.local-resolver"] = "none" },
                },
            ],
            [TaskDefinition], capacityProviders ?? ["default", "dns-safe-capacity"], l,
            efsVolume ? new Dictionary<string, string> { [TaskDefinition] = FileSystemId } : null), launcher, shell);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => (IReadOnlyList<string>)[v.Value]);
}
