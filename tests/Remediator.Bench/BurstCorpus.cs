using System.Text;
using System.Text.Json.Nodes;

namespace Remediator.Bench;

/// <summary>One delivered event of the burst.</summary>
/// <param name="Unique">The index of the failure it reports; a duplicate shares it with its original.</param>
/// <param name="Instance">The container instance it failed on.</param>
/// <param name="Standalone">A standalone task (host fix and reschedule) rather than a service task (host fix only).</param>
public sealed record BurstEvent(int Unique, int Instance, bool Standalone, bool Duplicate, byte[] Json);

/// <summary>
/// A cluster-wide failure: unique failure events (service and standalone awsvpc tasks, from the sample
/// events) spread over container instances, plus redeliveries of some of them a little later, as
/// EventBridge's at-least-once delivery does. Seeded: the same arguments give the same burst.
/// </summary>
public static class BurstCorpus
{
    public const string Account = "111122223333";

    public static string InstanceArn(int instance) => $"arn:aws:ecs:us-east-1:{Account}:container-instance/prod/{instance + 0x10000:x32}";

    /// <summary>Each standalone task gets its own task definition, so a reschedule names the task it restarts.</summary>
    public static string TaskDefinitionArn(int unique) => $"arn:aws:ecs:us-east-1:{Account}:task-definition/job-{unique}:1";

    public static IReadOnlyList<BurstEvent> Create(int uniqueEvents, int instances, double duplicateShare, double standaloneShare, int seed = 42)
    {
        var random = new Random(seed);
        var standaloneTemplate = JsonNode.Parse(Corpus.Read("failure/ec2-awsvpc-standalone.json"))!.AsObject();
        var serviceTemplate = JsonNode.Parse(Corpus.Read("failure/ec2-awsvpc-service.json"))!.AsObject();

        var originals = new List<BurstEvent>(uniqueEvents);
        for (var unique = 0; unique < uniqueEvents; unique++)
        {
            // Every instance gets at least one failure; the rest land at random.
            var instance = unique < instances ? unique : random.Next(instances);
            var standalone = random.NextDouble() < standaloneShare;
            var e = (JsonObject)(standalone ? standaloneTemplate : serviceTemplate).DeepClone();
            var detail = e["detail"]!.AsObject();
            var taskArn = $"arn:aws:ecs:us-east-1:{Account}:task/prod/{unique + 1:x32}";
            e["id"] = Guid.NewGuid().ToString();
            e["resources"] = new JsonArray(taskArn);
            detail["taskArn"] = taskArn;
            detail["version"] = 3;
            detail["containerInstanceArn"] = InstanceArn(instance);
            if (standalone)
            {
                detail["taskDefinitionArn"] = TaskDefinitionArn(unique);
                detail["group"] = $"family:job-{unique}";
            }
            else
            {
                detail["group"] = $"service:web-{instance % 40}";
            }
            originals.Add(new BurstEvent(unique, instance, standalone, false, Encoding.UTF8.GetBytes(e.ToJsonString())));
        }

        var order = originals.OrderBy(_ => random.Next()).ToList();
        var duplicates = (int)Math.Ceiling(uniqueEvents * duplicateShare);
        for (var i = 0; i < duplicates; i++)
        {
            // A redelivery lands soon after its original: sometimes while the original is still in flight.
            var at = random.Next(order.Count);
            var original = order[at];
            var insertAt = Math.Min(order.Count, at + 1 + random.Next(200));
            var redelivered = JsonNode.Parse(original.Json)!.AsObject();
            if (random.Next(2) == 0) redelivered["id"] = Guid.NewGuid().ToString();
            order.Insert(insertAt, original with { Duplicate = true, Json = Encoding.UTF8.GetBytes(redelivered.ToJsonString()) });
        }
        return order;
    }
}
