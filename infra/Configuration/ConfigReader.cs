using System.Globalization;

namespace Infra.Configuration;

/// <summary>
/// Reads <see cref="RemediationConfig"/> from context values ("remediation:KEY"). Every value is validated;
/// a bad one is a <see cref="ConfigException"/> naming the key and the expected form, so synth stops there.
/// </summary>
public static class ConfigReader
{
    public const string Prefix = "remediation:";

    /// <summary>Every key read, for rejecting typos such as "remediation:clusters".</summary>
    public static readonly IReadOnlyList<string> Keys = Settings.All.Select(s => s.Key).OfType<string>().ToArray();

    /// <summary>
    /// Reads the configuration. <paramref name="lookup"/> gets a full context key and returns its value
    /// (a string from `-c`, or a JSON string, number, boolean or array from cdk.json); null means unset.
    /// <paramref name="presentKeys"/> are the context keys that exist, to catch unknown "remediation:" keys.
    /// Each value must pass its setting's rule (<see cref="Settings"/>); the rules that join settings are checked here.
    /// </summary>
    public static RemediationConfig Read(Func<string, object?> lookup, IEnumerable<string> presentKeys)
    {
        foreach (var key in presentKeys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            if (!Keys.Contains(key[Prefix.Length..]))
                throw new ConfigException($"{key}: unknown key; expected one of {string.Join(", ", Keys.Select(k => Prefix + k))}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in Settings.All.Where(s => s.Key is not null))
        {
            // Blank means unset: a key listed with "" or [] takes the default.
            var text = Normalize(lookup(Prefix + setting.Key)) is { Length: > 0 } given ? given : setting.Default;
            if (text.Length > 0 && setting.Rule.Rejected(text) is { } rejected)
                throw Invalid(setting.Key!, rejected, setting.Rule.Expected);
            values[setting.Key!] = text;
        }
        var config = new RemediationConfig { Values = values };

        if (config.VpcId.Length > 0 && config.SubnetIds.Count == 0)
            throw new ConfigException($"{Prefix}subnetIds: required with {Prefix}vpcId; expected a comma-separated list of private subnet ids of that VPC");
        if (config.VpcId.Length == 0 && config.SubnetIds.Count > 0)
            throw new ConfigException($"{Prefix}subnetIds: given without {Prefix}vpcId; expected empty when the app creates the VPC, or set {Prefix}vpcId");
        if (config.VpcId.Length > 0 && config.TaskSecurityGroupIds.Count == 0)
            throw new ConfigException($"{Prefix}taskSecurityGroupIds: required with {Prefix}vpcId (ECS events do not carry a task's security groups); expected a comma-separated list of security group ids");

        // The runbook role's ECS permissions are built from cluster names, so an ARN cannot be honoured there.
        if (config.AllowedClusters.FirstOrDefault(c => !EcsNames.IsName(c)) is { } arn)
            throw Invalid(Settings.AllowedClusters.Key!, arn, "a comma-separated list of cluster names (the runbook role's permissions are built from names)");

        if (config.SafeCapacityMaxSize < config.SafeCapacityMinSize)
            throw new ConfigException($"{Prefix}safeCapacityMaxSize: {config.SafeCapacityMaxSize} is below {Prefix}safeCapacityMinSize {config.SafeCapacityMinSize}; expected max >= min");

        var existing = config.ExistingCapacityProviders;
        if (existing.Count > 0 && config.CreatesCluster)
            throw new ConfigException($"{Prefix}existingCapacityProviders: given without {Prefix}cluster; expected empty when the app creates the cluster");
        if (existing.Contains(config.SafeCapacityProviderName))
            throw new ConfigException($"{Prefix}existingCapacityProviders: lists the safe capacity provider {config.SafeCapacityProviderName}; expected only the providers the cluster had before");
        if (config.ExistingDefaultStrategy.FirstOrDefault(item => !existing.Contains(item.CapacityProvider)) is { } stranger)
            throw Invalid(Settings.ExistingDefaultStrategy.Key!, $"{stranger.CapacityProvider}:{stranger.Weight}:{stranger.Base}", Settings.ExistingDefaultStrategy.Rule.Expected);

        return config with { Organization = Organization(config) };
    }

    /// <summary>
    /// The organization keys: all three of organizationId, organizationTargets and organizationRegions, or
    /// none (then the two optional ones must be unset too). An account setting that reschedules needs the hub
    /// to reschedule at all (a safe capacity provider name is always set, so only "reschedule" is checked).
    /// </summary>
    static OrganizationConfig? Organization(RemediationConfig config)
    {
        var id = config.Text(Settings.OrganizationId);
        var targets = config.List(Settings.OrganizationTargets);
        var regions = config.List(Settings.OrganizationRegions);
        if (id.Length == 0 && targets.Count == 0 && regions.Count == 0)
        {
            foreach (var setting in new[] { Settings.OrganizationAccountSettings, Settings.OrganizationCallAs, Settings.OrganizationOperatorRoleArns })
            {
                if (config.Text(setting) != setting.Default)
                    throw new ConfigException($"{Prefix}{setting.Key}: given without {Prefix}organizationId; expected it unset, or set the organization keys");
            }
            return null;
        }

        if (id.Length == 0)
            throw Invalid(Settings.OrganizationId.Key!, id, Settings.OrganizationId.Rule.Expected);
        if (targets.Count == 0)
            throw new ConfigException($"{Prefix}organizationTargets: required with {Prefix}organizationId; expected a comma-separated list of ou-... ids or the root r-...");
        if (targets.Any(t => t.StartsWith("r-", StringComparison.Ordinal)) && targets.Count > 1)
            throw new ConfigException($"{Prefix}organizationTargets: the root already contains every organizational unit; expected either the root alone or organizational units");
        if (regions.Count == 0)
            throw new ConfigException($"{Prefix}organizationRegions: required with {Prefix}organizationId; expected a comma-separated list of regions such as us-east-1,eu-west-1");

        // A setting that reschedules needs the hub to reschedule at all (a safe capacity provider is always named).
        var settings = new List<AccountSettingItem>();
        foreach (var item in config.List(Settings.OrganizationAccountSettings))
        {
            var setting = AccountSettingItem.Parse(item)!;
            if (settings.Any(s => s.Account == setting.Account))
                throw new ConfigException($"{Prefix}organizationAccountSettings: account {setting.Account} is listed twice; expected one item per account");
            if (setting.Reschedule && !config.Reschedule)
                throw new ConfigException($"{Prefix}organizationAccountSettings: {item} reschedules while {Prefix}reschedule is false; expected off, or set {Prefix}reschedule to true");
            settings.Add(setting);
        }

        return new OrganizationConfig
        {
            OrganizationId = id,
            Targets = targets,
            Regions = regions,
            AccountSettings = settings,
            CallAs = config.Text(Settings.OrganizationCallAs) == "SELF" ? StackSetCaller.Self : StackSetCaller.DelegatedAdmin,
            OperatorRoleArns = config.List(Settings.OrganizationOperatorRoleArns),
        };
    }

    /// <summary>Context values from cdk.json keep their JSON type; lists become comma-separated text.</summary>
    static string? Normalize(object? value) => value switch
    {
        null => null,
        string s => s.Trim(),
        bool b => b ? "true" : "false",
        double n => n.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        long n => n.ToString(CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(Normalize)),
        var other => other.ToString()?.Trim(),
    };

    static ConfigException Invalid(string key, string value, string expected) =>
        new($"{Prefix}{key}: \"{(value.Length > 80 ? value[..80] + "..." : value)}\" is not valid; expected {expected}");
}

/// <summary>A configuration value that cannot be used; the message names the key and the expected form.</summary>
public sealed class ConfigException(string message) : Exception(message);
