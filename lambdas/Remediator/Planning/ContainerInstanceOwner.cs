using Remediation.Contracts;

namespace Remediator.Planning;

/// <summary>Whether the container instance an event names is the event's own, before anything acts on it.</summary>
public static class ContainerInstanceOwner
{
    /// <summary>
    /// Why the container instance is not the event's own, or null when it is: its ARN must name the event's
    /// account and region (the envelope's "account" and "region") and the partition and cluster of the
    /// event's clusterArn. An ARN of the old format has no cluster name; account, region and partition still decide.
    /// </summary>
    public static string? Foreign(string? containerInstanceArn, string? clusterArn, string? account, string? region)
    {
        var instance = EcsNames.ContainerInstanceArnParts(containerInstanceArn);
        var cluster = EcsNames.ClusterArnParts(clusterArn);
        if (instance is null || cluster is null)
            return "the containerInstanceArn or the clusterArn is not a valid ARN";
        if (account is null || region is null)
            return "the event has no account or region to check the containerInstanceArn against";
        if (instance.Account != account || cluster.Account != account)
            return $"the containerInstanceArn or the clusterArn is not in the event's account {Events.Printable.Truncate(account, 16)}";
        if (instance.Region != region || cluster.Region != region)
            return $"the containerInstanceArn or the clusterArn is not in the event's region {Events.Printable.Truncate(region, 32)}";
        if (instance.Partition != cluster.Partition)
            return "the containerInstanceArn is not in the clusterArn's partition";
        if (instance.Cluster is { } name && name != cluster.Cluster)
            return $"the containerInstanceArn names cluster {name}, not the event's cluster {cluster.Cluster}";
        return null;
    }
}
