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

    public RemediationMode Mode { get; init; } = RemediationModes.Parse(Settings.Mode.Default)!.Value;

    /// <summary>Cluster names allowed to be acted on; empty means every cluster.</summary>
    public IReadOnlySet<string> AllowedClusters { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Reschedules the Remediator may start for one original task before it only notifies.</summary>
    public int MaxAttempts { get; init; } = Settings.MaxAttempts.DefaultNumber;

    public string VpcResolver { get; init; } = Settings.VpcResolver.Default;

    /// <summary>The safe capacity provider that reschedules go to; null when none is named.</summary>
    public string? SafeCapacityProvider { get; init; }

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
            var name = EcsNames.ClusterName(item) ?? throw Invalid(AllowedClustersKey, item, Settings.AllowedClusters.Rule.Expected);
            clusters.Add(name);
        }

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
            MaxAttempts = maxAttempts,
            VpcResolver = resolver,
            SafeCapacityProvider = provider,
            Reschedule = reschedule,
            Accounts = accounts.Count == 0 ? NoAccounts : accounts,
        };
    }

    /// <summary>The settings for an event of <paramref name="account"/>: its own mode and reschedule when it has them.</summary>
    public RemediatorSettings ForAccount(string? account) =>
        account is not null && Accounts.TryGetValue(account, out var own) ? this with { Mode = own.Mode, Reschedule = own.Reschedule } : this;

    public bool IsClusterAllowed(string clusterName) => AllowedClusters.Count == 0 || AllowedClusters.Contains(clusterName);
}

/// <summary>A configuration value that cannot be used; the message names the variable.</summary>
public sealed class SettingsException(string message) : Exception(message);
