using System.Text.RegularExpressions;

namespace Remediator.Planning;

/// <summary>
/// Validation of the ECS identifiers an action carries. Event text reaches an action only
/// through these checks; a value that fails one makes the plan a notify, never an action.
/// </summary>
public static partial class EcsNames
{
    /// <summary>The prefix of the startedBy marker on tasks the Remediator rescheduled, before the attempt number.</summary>
    public const string AttemptMarkerPrefix = "ecs-dns-remediation/attempt-";

    /// <summary>The cluster name of a cluster name or cluster ARN, or null when it is neither.</summary>
    public static string? ClusterName(string? nameOrArn)
    {
        if (nameOrArn is null) return null;
        var arn = ClusterArn().Match(nameOrArn);
        if (arn.Success) return arn.Groups["name"].Value;
        return ClusterNameOnly().IsMatch(nameOrArn) ? nameOrArn : null;
    }

    public static bool IsClusterArn(string? value) => value is not null && ClusterArn().IsMatch(value);

    public static bool IsContainerInstanceArn(string? value) => value is not null && ContainerInstanceArn().IsMatch(value);

    /// <summary>
    /// Why the container instance is not the event's own, or null when it is: its ARN must name the event's
    /// account and region (the envelope's "account" and "region") and the partition and cluster of the
    /// event's clusterArn. An ARN of the old format has no cluster name; account, region and partition still decide.
    /// </summary>
    public static string? ForeignContainerInstance(string? containerInstanceArn, string? clusterArn, string? account, string? region)
    {
        var instance = containerInstanceArn is null ? null : ContainerInstanceArn().Match(containerInstanceArn);
        var cluster = clusterArn is null ? null : ClusterArn().Match(clusterArn);
        if (instance is not { Success: true } || cluster is not { Success: true })
            return "the containerInstanceArn or the clusterArn is not a valid ARN";
        if (account is null || region is null)
            return "the event has no account or region to check the containerInstanceArn against";
        if (instance.Groups["account"].Value != account || cluster.Groups["account"].Value != account)
            return $"the containerInstanceArn or the clusterArn is not in the event's account {Events.Printable.Truncate(account, 16)}";
        if (instance.Groups["region"].Value != region || cluster.Groups["region"].Value != region)
            return $"the containerInstanceArn or the clusterArn is not in the event's region {Events.Printable.Truncate(region, 32)}";
        if (instance.Groups["partition"].Value != cluster.Groups["partition"].Value)
            return "the containerInstanceArn is not in the clusterArn's partition";
        if (instance.Groups["cluster"] is { Success: true } name && name.Value != cluster.Groups["name"].Value)
            return $"the containerInstanceArn names cluster {name.Value}, not the event's cluster {cluster.Groups["name"].Value}";
        return null;
    }

    public static bool IsTaskArn(string? value) => value is not null && TaskArn().IsMatch(value);

    public static bool IsTaskDefinitionArn(string? value) => value is not null && TaskDefinitionArn().IsMatch(value);

    public static bool IsSubnetId(string? value) => value is not null && SubnetId().IsMatch(value);

    public static bool IsCapacityProviderName(string? value) => value is not null && CapacityProvider().IsMatch(value);

    /// <summary>A task group as ECS writes it: "service:NAME" or "family:NAME".</summary>
    public static bool IsGroup(string? value) => value is not null && Group().IsMatch(value);

    public static bool IsServiceGroup(string? group) => group is not null && group.StartsWith("service:", StringComparison.Ordinal);

    /// <summary>The attempt number in a startedBy marker of ours; 0 for a task we did not start.</summary>
    public static int Attempt(string? startedBy)
    {
        if (startedBy is null || !startedBy.StartsWith(AttemptMarkerPrefix, StringComparison.Ordinal)) return 0;
        var digits = startedBy.AsSpan(AttemptMarkerPrefix.Length);
        return digits.Length is >= 1 and <= 3 && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : 0;
    }

    public static string AttemptMarker(int attempt) => AttemptMarkerPrefix + attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // ASCII classes and \z throughout: .NET's "$" also matches before a final "\n", and "\d" matches any Unicode
    // digit, so "$"/"\d" would let "arn...\n" or Arabic-Indic digits through to an action and its claim key.
    const string Partition = @"arn:(?<partition>aws(?:-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?)";
    const string RegionAccount = @"(?<region>[a-z]{2}(?:-[a-z]+)+-[0-9]):(?<account>[0-9]{12})";

    // ECS resource ids: 32 hex digits in new-format ARNs, a UUID in old ones.
    const string ResourceId = @"(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";

    [GeneratedRegex("^" + Partition + ":ecs:" + RegionAccount + @":cluster/(?<name>[A-Za-z0-9_-]{1,255})\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterArn();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterNameOnly();

    [GeneratedRegex("^" + Partition + ":ecs:" + RegionAccount + @":container-instance/(?:(?<cluster>[A-Za-z0-9_-]{1,255})/)?" + ResourceId + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerInstanceArn();

    [GeneratedRegex("^" + Partition + ":ecs:" + RegionAccount + @":task/(?:[A-Za-z0-9_-]{1,255}/)?" + ResourceId + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex TaskArn();

    [GeneratedRegex("^" + Partition + ":ecs:" + RegionAccount + @":task-definition/[A-Za-z0-9_-]{1,255}:[0-9]{1,9}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TaskDefinitionArn();

    [GeneratedRegex(@"^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetId();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CapacityProvider();

    [GeneratedRegex(@"^(?:service|family):[A-Za-z0-9_-]{1,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Group();
}
