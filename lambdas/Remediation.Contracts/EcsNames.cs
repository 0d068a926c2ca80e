using System.Text.RegularExpressions;

namespace Remediation.Contracts;

/// <summary>The parts of an ECS ARN that say whose it is; <see cref="Cluster"/> is null in an old-format container-instance ARN.</summary>
public sealed record EcsArnParts(string Partition, string Region, string Account, string? Cluster);

/// <summary>
/// The rules for the ECS and EC2 identifiers the parts pass to each other: event text reaches an action only through
/// these checks (the function), and the CDK app checks its configuration with the same rules.
/// </summary>
public static partial class EcsNames
{
    /// <summary>The cluster name of a cluster name or cluster ARN, or null when it is neither.</summary>
    public static string? ClusterName(string? nameOrArn)
    {
        if (nameOrArn is null) return null;
        var arn = ClusterArn().Match(nameOrArn);
        if (arn.Success) return arn.Groups["name"].Value;
        return Name().IsMatch(nameOrArn) ? nameOrArn : null;
    }

    public static bool IsClusterArn(string? value) => value is not null && ClusterArn().IsMatch(value);

    public static bool IsContainerInstanceArn(string? value) => value is not null && ContainerInstanceArn().IsMatch(value);

    /// <summary>Partition, Region, account and name of a cluster ARN; null when it is not one.</summary>
    public static EcsArnParts? ClusterArnParts(string? value) =>
        value is not null && ClusterArn().Match(value) is { Success: true } m ? Parts(m, "name") : null;

    /// <summary>Partition, Region, account and (new format only) cluster of a container-instance ARN; null when it is not one.</summary>
    public static EcsArnParts? ContainerInstanceArnParts(string? value) =>
        value is not null && ContainerInstanceArn().Match(value) is { Success: true } m ? Parts(m, "cluster") : null;

    public static bool IsTaskArn(string? value) => value is not null && TaskArn().IsMatch(value);

    public static bool IsTaskDefinitionArn(string? value) => value is not null && TaskDefinitionArn().IsMatch(value);

    /// <summary>An EC2 subnet id: "subnet-" and 8 (older) or 17 hex digits.</summary>
    public static bool IsSubnetId(string? value) => value is not null && SubnetId().IsMatch(value);

    /// <summary>
    /// A name as ECS takes it for clusters, capacity providers and task-definition families: 1-255 letters, digits,
    /// '-' or '_'.
    /// </summary>
    public static bool IsName(string? value) => value is not null && Name().IsMatch(value);

    public static bool IsCapacityProviderName(string? value) => IsName(value);

    /// <summary>A task group as ECS writes it: "service:NAME" or "family:NAME".</summary>
    public static bool IsGroup(string? value) => value is not null && Group().IsMatch(value);

    public static bool IsServiceGroup(string? group) => group is not null && group.StartsWith("service:", StringComparison.Ordinal);

    static EcsArnParts Parts(Match m, string clusterGroup) => new(
        m.Groups["partition"].Value, m.Groups["region"].Value, m.Groups["account"].Value,
        m.Groups[clusterGroup] is { Success: true } cluster ? cluster.Value : null);

    /// <summary>The subnet id rule without anchors, so that the SSM documents' allowedPattern uses it too.</summary>
    public const string SubnetIdBody = "subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})";

    // ASCII classes and \z throughout: .NET's "$" also matches before a final "\n", and "\d" matches any Unicode
    // digit, so "$"/"\d" would let "arn...\n" or Arabic-Indic digits through to an action and its claim key.
    const string Partition = @"arn:(?<partition>aws(?:-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?)";
    const string RegionAccount = @"(?<region>[a-z]{2}(?:-[a-z]+)+-[0-9]):(?<account>[0-9]{12})";

    // ECS resource ids: 32 hex digits in new-format ARNs, a UUID in old ones.
    const string ResourceId = @"(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";

    [GeneratedRegex("^" + Partition + ":ecs:" + RegionAccount + @":cluster/(?<name>[A-Za-z0-9_-]{1,255})\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterArn();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Name();

    [GeneratedRegex("^" + Partition + ":ecs:" + RegionAccount + @":container-instance/(?:(?<cluster>[A-Za-z0-9_-]{1,255})/)?" + ResourceId + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerInstanceArn();

    [GeneratedRegex("^" + Partition + ":ecs:" + RegionAccount + @":task/(?:[A-Za-z0-9_-]{1,255}/)?" + ResourceId + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex TaskArn();

    [GeneratedRegex("^" + Partition + ":ecs:" + RegionAccount + @":task-definition/[A-Za-z0-9_-]{1,255}:[0-9]{1,9}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TaskDefinitionArn();

    [GeneratedRegex("^" + SubnetIdBody + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetId();

    [GeneratedRegex(@"^(?:service|family):[A-Za-z0-9_-]{1,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Group();
}
