using System.Text.Json.Nodes;

namespace Remediator.Tests.Acting;

/// <summary>The sample failure events of tests/events, varied per test (task, version, container instance).</summary>
public static class SampleEvents
{
    public const string Account = "111122223333";

    static readonly string Directory = Support.Corpus.Directory;

    /// <summary>A standalone awsvpc task (group family:app) that failed the EFS mount: host fix and reschedule.</summary>
    public static JsonObject Standalone(int task = 1, int version = 3, int instance = 1, string? eventId = null) =>
        Vary("ec2-awsvpc-standalone.json", task, version, instance, eventId);

    /// <summary>A service task that failed the same way: host fix only (the service starts its replacement).</summary>
    public static JsonObject Service(int task = 1, int version = 3, int instance = 1, string? eventId = null) =>
        Vary("ec2-awsvpc-service.json", task, version, instance, eventId);

    public static JsonObject Load(string name) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path(name)))!;

    /// <summary>The path of a failure sample event.</summary>
    public static string Path(string name) => System.IO.Path.Combine(Directory, "failure", name);

    public static string TaskArn(int task) => $"arn:aws:ecs:us-east-1:{Account}:task/prod/{task:x32}";

    public static string InstanceArn(int instance) => $"arn:aws:ecs:us-east-1:{Account}:container-instance/prod/{instance + 0x1000:x32}";

    static JsonObject Vary(string file, int task, int version, int instance, string? eventId)
    {
        var e = Load(file);
        var detail = (JsonObject)e["detail"]!;
        e["id"] = eventId ?? Guid.NewGuid().ToString();
        detail["taskArn"] = TaskArn(task);
        detail["version"] = version;
        detail["containerInstanceArn"] = InstanceArn(instance);
        return e;
    }
}
