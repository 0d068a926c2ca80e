using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LocalControlPlane.Actions;

namespace LocalControlPlane.Ecs;

/// <summary>
/// A local ECS that knows one cluster, its container instances, capacity providers and task definitions:
/// DescribeContainerInstances, RunTask (cluster, task definition, capacity provider strategy, awsvpc subnets,
/// memberOf placement constraints on attributes, evaluated for real), DescribeTasks and DescribeTaskDefinition
/// (an awsvpc task definition with a bind mount and one EFS volume, from <paramref name="efsFileSystems"/>), with ECS's error codes
/// and failure reasons. A task that is placed is started through <see cref="ITaskLauncher"/>.
/// </summary>
public sealed partial class LocalEcs(string clusterArn, IEnumerable<ContainerInstance> instances, IEnumerable<string> taskDefinitionArns,
    IEnumerable<string> capacityProviders, ITaskLauncher launcher, IReadOnlyDictionary<string, string>? efsFileSystems = null) : IAwsApi
{
    readonly ContainerInstance[] instances = instances.ToArray();
    readonly string[] taskDefinitions = taskDefinitionArns.ToArray();
    readonly string[] capacityProviders = capacityProviders.ToArray();
    readonly List<EcsTask> tasks = [];
    readonly Lock gate = new();

    public string Service => "ecs";

    public string ClusterArn => clusterArn;

    public IReadOnlyList<EcsTask> Tasks
    {
        get { lock (gate) return tasks.ToArray(); }
    }

    public Task<JsonObject> InvokeAsync(string api, JsonObject request, CancellationToken cancellationToken) => api switch
    {
        "DescribeContainerInstances" => Task.FromResult(DescribeContainerInstances(request)),
        "DescribeTasks" => Task.FromResult(DescribeTasks(request)),
        "RunTask" => RunTaskAsync(request, cancellationToken),
        "DescribeTaskDefinition" => Task.FromResult(DescribeTaskDefinition(request)),
        _ => throw new ControlPlaneError("InvalidAction", $"ecs.{api} is not modelled by the local control plane"),
    };

    /// <summary>Starts a task of a service on a container instance, as the ECS service scheduler does after one stopped.</summary>
    public Task<EcsTask> StartServiceTaskAsync(string group, string containerInstanceArn, string taskDefinitionArn, CancellationToken cancellationToken)
    {
        var instance = instances.FirstOrDefault(i => i.Arn == containerInstanceArn)
            ?? throw new ControlPlaneError("InvalidParameterException", $"container instance {containerInstanceArn} is not registered");
        return LaunchAsync(instance, Definition(taskDefinitionArn), group, "ecs-svc/local-scheduler", cancellationToken);
    }

    /// <summary>Records a task started outside RunTask (the lab's first, failing task).</summary>
    public void Record(EcsTask task)
    {
        lock (gate) tasks.Add(task);
    }

    JsonObject DescribeContainerInstances(JsonObject request)
    {
        Cluster(request);
        var found = new JsonArray();
        var failures = new JsonArray();
        foreach (var id in request["containerInstances"] as JsonArray ?? throw new ControlPlaneError("InvalidParameterException", "containerInstances is required"))
        {
            var text = id?.GetValue<string>() ?? "";
            var instance = instances.FirstOrDefault(i => i.Arn == text || i.Arn.EndsWith("/" + text, StringComparison.Ordinal));
            if (instance is null)
            {
                failures.Add(new JsonObject { ["arn"] = text, ["reason"] = "MISSING" });
                continue;
            }
            found.Add(new JsonObject
            {
                ["containerInstanceArn"] = instance.Arn,
                ["ec2InstanceId"] = instance.Ec2InstanceId,
                ["status"] = "ACTIVE",
                ["agentConnected"] = true,
                ["capacityProviderName"] = instance.CapacityProvider,
                ["attributes"] = new JsonArray(instance.Attributes.Select(a => (JsonNode?)new JsonObject { ["name"] = a.Key, ["value"] = a.Value }).ToArray()),
            });
        }
        return new JsonObject { ["containerInstances"] = found, ["failures"] = failures };
    }

    JsonObject DescribeTasks(JsonObject request)
    {
        Cluster(request);
        var wanted = (request["tasks"] as JsonArray ?? []).Select(t => t?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal);
        EcsTask[] known;
        lock (gate) known = tasks.Where(t => wanted.Contains(t.TaskArn)).ToArray();
        return new JsonObject
        {
            ["tasks"] = new JsonArray(known.Select(t => (JsonNode?)TaskJson(t)).ToArray()),
            ["failures"] = new JsonArray(wanted.Where(w => known.All(t => t.TaskArn != w)).Select(w => (JsonNode?)new JsonObject { ["arn"] = w, ["reason"] = "MISSING" }).ToArray()),
        };
    }

    async Task<JsonObject> RunTaskAsync(JsonObject request, CancellationToken cancellationToken)
    {
        Cluster(request);
        var definition = Definition(Text(request["taskDefinition"]) ?? throw new ControlPlaneError("InvalidParameterException", "taskDefinition is required"));
        var count = request["count"] is JsonValue c ? int.Parse(c.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 1;
        if (count is < 1 or > 10) throw new ControlPlaneError("InvalidParameterException", "count must be from 1 to 10");
        var group = Text(request["group"]) ?? "";
        var startedBy = Text(request["startedBy"]) ?? "";
        if (startedBy.Length > 128) throw new ControlPlaneError("InvalidParameterException", "startedBy is longer than 128 characters");

        var subnets = request["networkConfiguration"]?["awsvpcConfiguration"]?["subnets"] as JsonArray;
        if (subnets is null || subnets.Count == 0 || subnets.Any(s => !Subnet().IsMatch(Text(s) ?? "")))
            throw new ControlPlaneError("InvalidParameterException", "awsvpc tasks need networkConfiguration.awsvpcConfiguration.subnets of subnet ids");

        var candidates = instances.Where(i => i.ClusterArn == clusterArn).ToArray();
        if (request["capacityProviderStrategy"] is JsonArray strategy && strategy.Count > 0)
        {
            var providers = strategy.Select(s => Text(s?["capacityProvider"]) ?? "").ToArray();
            var unknown = providers.FirstOrDefault(p => !capacityProviders.Contains(p, StringComparer.Ordinal));
            if (unknown is not null)
                throw new ControlPlaneError("InvalidParameterException", $"The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster: {unknown}");
            candidates = candidates.Where(i => i.CapacityProvider is { } p && providers.Contains(p, StringComparer.Ordinal)).ToArray();
        }
        if (candidates.Length == 0) return Failures("RESOURCE:CAPACITY");

        foreach (var constraint in request["placementConstraints"] as JsonArray ?? [])
        {
            var type = Text(constraint?["type"]);
            if (type == "distinctInstance") continue;
            if (type != "memberOf") throw new ControlPlaneError("InvalidParameterException", $"placement constraint type {type} is not valid");
            var expression = Expression().Match(Text(constraint?["expression"]) ?? "");
            if (!expression.Success)
                throw new ControlPlaneError("InvalidParameterException", $"placement expression \"{Text(constraint?["expression"])}\" is not modelled locally (attribute:NAME == VALUE or != VALUE is)");
            var (name, op, value) = (expression.Groups[1].Value, expression.Groups[2].Value, expression.Groups[3].Value);
            candidates = candidates.Where(i => (i.Attributes.TryGetValue(name, out var v) && v == value) == (op == "==")).ToArray();
        }
        if (candidates.Length == 0) return Failures("ATTRIBUTE");

        var started = new JsonArray();
        for (var n = 0; n < count; n++)
        {
            var task = await LaunchAsync(candidates[n % candidates.Length], definition, group, startedBy, cancellationToken).ConfigureAwait(false);
            // RunTask answers while the task is still provisioning; how it came up shows in DescribeTasks.
            var json = TaskJson(task with { LastStatus = "PROVISIONING", StoppedReason = null });
            if (request["overrides"] is JsonObject overrides) json["overrides"] = overrides.DeepClone();
            started.Add(json);
        }
        return new JsonObject { ["tasks"] = started, ["failures"] = new JsonArray() };
    }

    async Task<EcsTask> LaunchAsync(ContainerInstance instance, string definition, string group, string startedBy, CancellationToken cancellationToken)
    {
        var clusterName = clusterArn[(clusterArn.IndexOf('/') + 1)..];
        var taskArn = $"{clusterArn[..clusterArn.IndexOf(":cluster/", StringComparison.Ordinal)]}:task/{clusterName}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        var result = await launcher.LaunchAsync(new TaskLaunch { TaskArn = taskArn, Instance = instance, TaskDefinitionArn = definition }, cancellationToken).ConfigureAwait(false);
        var task = new EcsTask
        {
            TaskArn = taskArn,
            ClusterArn = clusterArn,
            ContainerInstanceArn = instance.Arn,
            TaskDefinitionArn = definition,
            Group = group,
            StartedBy = startedBy,
            LastStatus = result.LastStatus,
            StoppedReason = result.StoppedReason,
        };
        Record(task);
        return task;
    }

    JsonObject Failures(string reason) => new()
    {
        ["tasks"] = new JsonArray(),
        ["failures"] = new JsonArray(new JsonObject { ["arn"] = clusterArn, ["reason"] = reason }),
    };

    void Cluster(JsonObject request)
    {
        var cluster = Text(request["cluster"]) ?? "default";
        if (cluster != clusterArn && !clusterArn.EndsWith(":cluster/" + cluster, StringComparison.Ordinal))
            throw new ControlPlaneError("ClusterNotFoundException", $"Cluster not found: {cluster}");
    }

    string Definition(string reference)
    {
        var match = taskDefinitions.FirstOrDefault(d => d == reference || d.EndsWith(":task-definition/" + reference, StringComparison.Ordinal))
            ?? taskDefinitions.Where(d => d.Contains(":task-definition/" + reference + ":", StringComparison.Ordinal)).LastOrDefault();
        return match ?? throw new ControlPlaneError("ClientException", $"Unable to find task definition '{reference}'");
    }

    /// <summary>
    /// The task definition as ECS describes it: family, revision, awsvpc, and, when it has an EFS volume, a bind mount
    /// first and the EFS volume second (EFS volumes need not come first: the runbook must find them anywhere).
    /// </summary>
    JsonObject DescribeTaskDefinition(JsonObject request)
    {
        var arn = Definition(Text(request["taskDefinition"]) ?? throw new ControlPlaneError("ClientException", "taskDefinition is required"));
        var familyRevision = arn[(arn.IndexOf(":task-definition/", StringComparison.Ordinal) + ":task-definition/".Length)..];
        var volumes = new JsonArray();
        if (efsFileSystems?.TryGetValue(arn, out var fileSystemId) == true)
        {
            volumes.Add(new JsonObject { ["name"] = "scratch", ["host"] = new JsonObject { ["sourcePath"] = "/var/tmp/scratch" } });
            volumes.Add(new JsonObject
            {
                ["name"] = "data",
                ["efsVolumeConfiguration"] = new JsonObject { ["fileSystemId"] = fileSystemId, ["rootDirectory"] = "/", ["transitEncryption"] = "ENABLED" },
            });
        }
        return new JsonObject
        {
            ["taskDefinition"] = new JsonObject
            {
                ["taskDefinitionArn"] = arn,
                ["family"] = familyRevision.Split(':')[0],
                ["revision"] = int.Parse(familyRevision.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture),
                ["networkMode"] = "awsvpc",
                ["volumes"] = volumes,
                ["status"] = "ACTIVE",
            },
        };
    }

    static JsonObject TaskJson(EcsTask task)
    {
        var json = new JsonObject
        {
            ["taskArn"] = task.TaskArn,
            ["clusterArn"] = task.ClusterArn,
            ["containerInstanceArn"] = task.ContainerInstanceArn,
            ["taskDefinitionArn"] = task.TaskDefinitionArn,
            ["group"] = task.Group,
            ["startedBy"] = task.StartedBy,
            ["lastStatus"] = task.LastStatus,
            ["desiredStatus"] = task.LastStatus == "STOPPED" ? "STOPPED" : "RUNNING",
            ["launchType"] = "EC2",
        };
        if (task.StoppedReason is { } reason) json["stoppedReason"] = reason;
        return json;
    }

    static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString();

    [GeneratedRegex(@"^subnet-[0-9a-f]{8,17}$", RegexOptions.CultureInvariant)]
    private static partial Regex Subnet();

    [GeneratedRegex(@"^\s*attribute:([A-Za-z0-9_.:-]+)\s*(==|!=)\s*([A-Za-z0-9_.:-]+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Expression();
}
