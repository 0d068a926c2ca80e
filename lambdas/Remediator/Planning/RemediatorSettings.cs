using Remediation.Contracts;
using static Remediator.Planning.SettingValues;

namespace Remediator.Planning;

/// <summary>
/// The Remediator's configuration, read once at start-up from environment variables (the Lambda)
/// or from a JSON file with the same keys (the CLI's --config). Every value is validated here; a
/// bad one is a <see cref="SettingsException"/> that names the variable and the expected form.
/// </summary>
public sealed record RemediatorSettings
{
    const string AllowedClustersKey = RemediatorEnvironment.AllowedClusters;
    const string SafeCapacityProviderKey = RemediatorEnvironment.SafeCapacityProvider;
    const string RescheduleKey = RemediatorEnvironment.Reschedule;
    const string AccountSettingsKey = RemediatorEnvironment.AccountSettings;
    const string AccountKey = RemediatorEnvironment.Account;
    const string RegionKey = RemediatorEnvironment.Region;

    public RemediationMode Mode { get; init; } = RemediationModes.Parse(Settings.Mode.Default)!.Value;

    /// <summary>Cluster ARNs and names allowed to be acted on, as given; empty means every cluster (see <see cref="IsClusterAllowed"/>).</summary>
    public IReadOnlySet<string> AllowedClusters { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Where a bare name in <see cref="AllowedClusters"/> names a cluster: the function's own account and Region; null
    /// in an organization hub, where a name means that cluster in every account and Region.
    /// </summary>
    public (string Account, string Region)? Home { get; init; }

    /// <summary>Reschedules the Remediator may start for one original task before it only notifies.</summary>
    public int MaxAttempts { get; init; } = Settings.MaxAttempts.DefaultNumber;

    public string VpcResolver { get; init; } = Settings.VpcResolver.Default;

    /// <summary>The safe capacity provider that reschedules go to; null when none is named.</summary>
    public string? SafeCapacityProvider { get; init; }

    /// <summary>ARNs of the clusters the safe capacity provider is associated with; null when not known.</summary>
    public IReadOnlySet<string>? SafeCapacityClusters { get; init; }

    /// <summary>Whether standalone tasks are rescheduled: on once a safe capacity provider is named.</summary>
    public bool Reschedule { get; init; }

    /// <summary>
    /// Organization scale: mode and reschedule of named member accounts (ACCOUNT:observe|remediate:on|off);
    /// other accounts get the settings above. Per account, not per OU: an event names its account, not its OU.
    /// </summary>
    public IReadOnlyDictionary<string, (RemediationMode Mode, bool Reschedule)> Accounts { get; init; } = NoAccounts;

    // One shared empty map, so that settings without account entries compare equal as records.
    static readonly IReadOnlyDictionary<string, (RemediationMode Mode, bool Reschedule)> NoAccounts = new Dictionary<string, (RemediationMode, bool)>(StringComparer.Ordinal);

    public static RemediatorSettings Default { get; } = new();

    /// <summary>Reads the settings through <paramref name="lookup"/>; null or blank means "use the default".</summary>
    public static RemediatorSettings From(Func<string, string?> lookup)
    {
        string? Get(string key) => SettingValues.Get(lookup, key);

        var mode = RemediationModes.Parse(Read(lookup, Settings.Mode))!.Value;

        var clusters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in SettingRule.Items(Get(AllowedClustersKey) ?? ""))
        {
            // An ARN allows that cluster only; a bare name is kept as given (see IsClusterAllowed).
            if (!EcsNames.IsClusterArn(item) && EcsNames.ClusterName(item) != item)
                throw Invalid(AllowedClustersKey, item, Settings.AllowedClusters.Rule.Expected);
            clusters.Add(item);
        }

        var account = ReadOptional(lookup, Settings.Account);
        var region = ReadOptional(lookup, Settings.Region);
        var hub = Get(RemediatorEnvironment.HubAccount) is not null;
        (string, string)? home = account is not null && region is not null ? (account, region) : null;
        if (!hub && home is null && clusters.FirstOrDefault(c => !EcsNames.IsClusterArn(c)) is { } bare)
            throw new SettingsException($"{AllowedClustersKey}: the name {bare} means that cluster in the function's own account and Region, and {AccountKey} or {RegionKey} is not set (the stack sets both); set them, or give the cluster's ARN");

        var maxAttempts = Setting.Number(Read(lookup, Settings.MaxAttempts));
        var resolver = Read(lookup, Settings.VpcResolver);
        var provider = ReadOptional(lookup, Settings.SafeCapacityProviderName);
        var reschedule = ReadOptional(lookup, Settings.Reschedule) switch
        {
            null => provider is not null,
            "true" => provider is not null
                ? true
                : throw new SettingsException($"{RescheduleKey}=true needs {SafeCapacityProviderKey}: rescheduling sends tasks to the safe capacity provider, and none is named"),
            _ => false,
        };

        var safeClusters = ReadOptional(lookup, Settings.SafeCapacityClusters) is { } safeText
            ? SettingRule.Items(safeText).ToHashSet(StringComparer.Ordinal)
            : null;

        var accounts = new Dictionary<string, (RemediationMode, bool)>(StringComparer.Ordinal);
        foreach (var item in SettingRule.Items(Get(AccountSettingsKey) ?? ""))
        {
            if (AccountSettingItem.Parse(item) is not { } setting || !accounts.TryAdd(setting.Account, (setting.Mode, setting.Reschedule)))
                throw Invalid(AccountSettingsKey, item, Settings.OrganizationAccountSettings.Rule.Expected);
            if (setting.Reschedule && !reschedule)
                throw new SettingsException($"{AccountSettingsKey}: {item} reschedules, but {RescheduleKey} is off or no {SafeCapacityProviderKey} is named");
        }

        return new RemediatorSettings
        {
            Mode = mode,
            AllowedClusters = clusters,
            Home = hub ? null : home,
            MaxAttempts = maxAttempts,
            VpcResolver = resolver,
            SafeCapacityProvider = provider,
            Reschedule = reschedule,
            SafeCapacityClusters = safeClusters,
            Accounts = accounts.Count == 0 ? NoAccounts : accounts,
        };
    }

    /// <summary>The settings for an event of <paramref name="account"/>: its own mode and reschedule when it has them.</summary>
    public RemediatorSettings ForAccount(string? account) =>
        account is not null && Accounts.TryGetValue(account, out var own) ? this with { Mode = own.Mode, Reschedule = own.Reschedule } : this;

    /// <summary>
    /// Whether the allowlist allows <paramref name="clusterArn"/>: empty allows every cluster; an ARN entry allows that
    /// ARN only; a name allows that cluster in <see cref="Home"/>, or anywhere in an organization hub.
    /// </summary>
    public bool IsClusterAllowed(string clusterArn) =>
        AllowedClusters.Count == 0
        || AllowedClusters.Contains(clusterArn)
        || (EcsNames.ClusterArnParts(clusterArn) is { Cluster: { } name } cluster && AllowedClusters.Contains(name)
            && (Home is not { } home || (cluster.Account == home.Account && cluster.Region == home.Region)));

    /// <summary>Whether RunTask may send a task of <paramref name="clusterArn"/> to the safe capacity provider.</summary>
    public bool IsSafeCapacityCluster(string clusterArn) => SafeCapacityClusters is null || SafeCapacityClusters.Contains(clusterArn);

    /// <summary>
    /// The safe capacity provider that serves <paramref name="clusterArn"/>: with several clusters served, each has its
    /// own (<see cref="SafeCapacityProviders"/>, the rule the CDK app names them by); null when none is named.
    /// </summary>
    public string? SafeCapacityProviderFor(string clusterArn) =>
        SafeCapacityProvider is { } name && SafeCapacityClusters is { Count: > 1 } served && EcsNames.ClusterName(clusterArn) is { } cluster
            ? SafeCapacityProviders.For(name, cluster, served.Count)
            : SafeCapacityProvider;
}

/// <summary>A configuration value that cannot be used; the message names the variable.</summary>
public sealed class SettingsException(string message) : Exception(message);
