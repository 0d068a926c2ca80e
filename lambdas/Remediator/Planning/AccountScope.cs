using Remediation.Contracts;

namespace Remediator.Planning;

/// <summary>
/// The partition, account and region of an ECS resource, read from its ARN once <see cref="EcsNames"/> has
/// validated the ARN: in an organization, where the event's task lives and so where the remediation runs.
/// </summary>
public sealed record AccountScope(string Partition, string Account, string Region)
{
    /// <summary>The scope of a valid cluster, task or container instance ARN; null for anything else.</summary>
    public static AccountScope? Of(string? ecsArn)
    {
        if (!EcsNames.IsClusterArn(ecsArn) && !EcsNames.IsTaskArn(ecsArn) && !EcsNames.IsContainerInstanceArn(ecsArn))
            return null;
        var fields = ecsArn!.Split(':', 6);
        return new AccountScope(fields[1], fields[4], fields[3]);
    }

    /// <summary>The scope of a plan: from its host fix's cluster, else from its task.</summary>
    public static AccountScope? Of(Plan plan) => Of(plan.FixHost?.ClusterArn) ?? Of(plan.TaskArn);
}
