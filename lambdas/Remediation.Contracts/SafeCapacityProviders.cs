namespace Remediation.Contracts;

/// <summary>
/// The name of the safe capacity provider that serves a cluster, for the CDK app that creates it and the Remediator
/// that reschedules onto it. An Auto Scaling group capacity provider is associated with one cluster and its name is
/// unique in the account and Region (botocore 1.43 ecs/2014-11-13 service-2.json, CreateCapacityProviderRequest.cluster:
/// only Amazon ECS Managed Instances providers are scoped to a cluster), so several clusters need several names.
/// </summary>
public static class SafeCapacityProviders
{
    /// <summary>
    /// The provider of <paramref name="cluster"/> when <paramref name="clusterCount"/> clusters get safe capacity:
    /// <paramref name="name"/> itself when one does (the name the placement snippets use), NAME-CLUSTER when several do.
    /// </summary>
    public static string For(string name, string cluster, int clusterCount) => clusterCount > 1 ? $"{name}-{cluster}" : name;
}
