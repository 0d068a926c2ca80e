using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;

namespace Infra.Constructs;

/// <summary>Builds the role of container instances (safe capacity, sandbox) without AWS managed ECS policies, whose actions use wildcards.</summary>
public static class ContainerInstanceRole
{
    /// <summary>A container instance role: the ECS agent's permissions held to one cluster, and the SSM agent's.</summary>
    public static Role Create(Construct scope, string id, string clusterName, string description)
    {
        var stack = Stack.Of(scope);
        var clusterArn = stack.FormatArn(new ArnComponents { Service = "ecs", Resource = "cluster", ResourceName = clusterName });
        var role = new Role(scope, id, new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = description,
            // The SSM agent's permissions (Run Command, State Manager); AWS keeps this policy current with the agent.
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")],
        });
        var containerInstances = stack.FormatArn(new ArnComponents { Service = "ecs", Resource = "container-instance", ResourceName = clusterName + "/*" });
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "JoinCluster",
            Actions = ["ecs:RegisterContainerInstance", "ecs:DeregisterContainerInstance", "ecs:SubmitContainerStateChange", "ecs:SubmitTaskStateChange", "ecs:SubmitAttachmentStateChanges"],
            Resources = [clusterArn],
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AgentSession",
            Actions = ["ecs:Poll", "ecs:StartTelemetrySession", "ecs:PutSystemLogEvents", "ecs:UpdateContainerInstancesState"],
            Resources = [containerInstances],
            Conditions = new Dictionary<string, object> { ["ArnEquals"] = new Dictionary<string, object> { ["ecs:cluster"] = clusterArn } },
        }));
        // These APIs take no resource-level permissions.
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AgentDiscovery",
            Actions = ["ecs:DiscoverPollEndpoint", "ecr:GetAuthorizationToken"],
            Resources = ["*"],
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PullImages",
            Actions = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            Resources = [stack.FormatArn(new ArnComponents { Service = "ecr", Resource = "repository", ResourceName = "*" })],
        }));
        return role;
    }
}
