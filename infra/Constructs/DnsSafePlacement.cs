using Amazon.CDK;
using Amazon.CDK.AWS.ECS;
using Amazon.JSII.Runtime.Deputy;
using Constructs;
using Infra.Documents;

namespace Infra.Constructs;

/// <summary>
/// Sends awsvpc tasks with EFS volumes to the safe capacity: their task definitions get the placement
/// constraint memberOf(attribute:dns.local-resolver == none), and services built on them get the safe
/// capacity provider strategy (when a provider name is given). Other task definitions are left untouched.
/// Usable in any CDK app: Aspects.Of(scope).Add(new DnsSafePlacement("dns-safe-capacity")).
/// Inherits DeputyBase: jsii ignores plain C# implementations of its interfaces.
/// </summary>
public sealed class DnsSafePlacement(string? safeCapacityProviderName) : DeputyBase, IAspect
{
    public void Visit(IConstruct node)
    {
        switch (node)
        {
            case CfnTaskDefinition taskDefinition when NeedsSafeCapacity(taskDefinition):
                AddConstraint(taskDefinition);
                break;
            case CfnService service when safeCapacityProviderName is not null && RunsAtRisk(service):
                service.CapacityProviderStrategy = new object[]
                {
                    new CfnService.CapacityProviderStrategyItemProperty { CapacityProvider = safeCapacityProviderName, Weight = 1 },
                };
                // ECS rejects a launch type next to a capacity provider strategy.
                service.AddPropertyDeletionOverride("LaunchType");
                break;
        }
    }

    /// <summary>awsvpc network mode and at least one EFS volume: the mount runs in the task network namespace.</summary>
    public static bool NeedsSafeCapacity(CfnTaskDefinition taskDefinition)
    {
        var stack = Stack.Of(taskDefinition);
        if (stack.Resolve(taskDefinition.NetworkMode ?? "") as string != "awsvpc")
            return false;
        return JsonItems(stack.Resolve(taskDefinition.Volumes ?? Array.Empty<object>()))
            .Any(volume => volume.ContainsKey("efsVolumeConfiguration") || volume.ContainsKey("EfsVolumeConfiguration"));
    }

    static void AddConstraint(CfnTaskDefinition taskDefinition)
    {
        var stack = Stack.Of(taskDefinition);
        var constraints = JsonItems(stack.Resolve(taskDefinition.PlacementConstraints ?? Array.Empty<object>())).ToList();
        if (constraints.Any(c => Equals(Get(c, "expression"), SafeCapacityAttribute.PlacementExpression)))
            return;
        var items = constraints
            .Select(c => (object)new CfnTaskDefinition.TaskDefinitionPlacementConstraintProperty
            {
                Type = (string)c["type"],
                Expression = Get(c, "expression") as string,
            })
            .Append(new CfnTaskDefinition.TaskDefinitionPlacementConstraintProperty
            {
                Type = "memberOf",
                Expression = SafeCapacityAttribute.PlacementExpression,
            })
            .ToArray();
        taskDefinition.PlacementConstraints = items;
    }

    /// <summary>Whether the service's task definition (a reference in the same stack) needs the safe capacity.</summary>
    static bool RunsAtRisk(CfnService service)
    {
        var stack = Stack.Of(service);
        if (stack.Resolve(service.TaskDefinition ?? "") is not IDictionary<string, object> { } reference
            || Get(reference, "Ref") is not string logicalId)
            return false;
        return stack.Node.FindAll()
            .OfType<CfnTaskDefinition>()
            .Any(td => stack.Resolve(td.LogicalId) as string == logicalId && NeedsSafeCapacity(td));
    }

    static object? Get(IDictionary<string, object> item, string key) => item.TryGetValue(key, out var value) ? value : null;

    /// <summary>A resolved CloudFormation list of objects, whatever shape jsii hands it over in.</summary>
    static IEnumerable<IDictionary<string, object>> JsonItems(object? resolved) => resolved switch
    {
        null => [],
        IDictionary<string, object> single => [single],
        System.Collections.IEnumerable list and not string => list.Cast<object?>().OfType<IDictionary<string, object>>(),
        _ => [],
    };
}
