using Amazon.CDK.AWS.EC2;
using Infra.Configuration;

namespace Infra.Constructs;

public sealed record SafeCapacityProps
{
    public required IVpc Vpc { get; init; }

    public required SubnetSelection Subnets { get; init; }

    /// <summary>The cluster the instances join (created by the app or existing).</summary>
    public required string ClusterName { get; init; }

    public required string CapacityProviderName { get; init; }

    public required string InstanceType { get; init; }

    public required int MinSize { get; init; }

    public required int MaxSize { get; init; }

    /// <summary>Providers the cluster already has: the association keeps them.</summary>
    public required IReadOnlyList<string> ExistingCapacityProviders { get; init; }

    /// <summary>
    /// True for a cluster the app did not create: deleting the association resource would empty the cluster's
    /// provider list, so the stack leaves it in place (the README says how to take the safe provider out).
    /// </summary>
    public required bool RetainAssociation { get; init; }

    /// <summary>The cluster's default strategy, kept as it is.</summary>
    public required IReadOnlyList<StrategyItem> ExistingDefaultStrategy { get; init; }

    /// <summary>The repository: hostscripts/safe-capacity-boot.sh goes into the user data, hostscripts/resolv-fix.sh into an S3 asset.</summary>
    public required string RepositoryRoot { get; init; }

    public required string VpcResolver { get; init; }

    /// <summary>The no-safe-instance alarm's fixed name: rules and outputs find it by name.</summary>
    public required string AlarmName { get; init; }
}
