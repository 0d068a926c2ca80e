namespace Remediation.Contracts;

/// <summary>Tags the remediation relies on.</summary>
public static class InstanceTags
{
    /// <summary>
    /// Carried by every container instance the proactive association and the CLI's fleet commands target, with the
    /// cluster name as value. EC2 instances carry no ECS cluster tag of their own, so the app tags the safe
    /// capacity and the sandbox, and users tag their own instance groups (ASG tag with PropagateAtLaunch).
    /// </summary>
    public const string Cluster = "ecs-dns-remediation:cluster";
}
