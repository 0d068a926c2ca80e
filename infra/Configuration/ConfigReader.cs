using System.Globalization;
using Infra.Stacks;

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

        if (config.ExampleEnvironment)
        {
            // The example environment creates its own network and cluster: a key naming an existing one would be ignored.
            foreach (var setting in ExistingResourceSettings.Where(s => config.Text(s).Length > 0))
                throw new ConfigException($"{Prefix}{setting.Key}: given with {Prefix}exampleEnvironment=true, which creates its own VPC and cluster; expected it unset, or exampleEnvironment unset to use your own");
        }
        else if (config.Cluster.Length == 0 && config.Text(Settings.SafeCapacityClusterNames).Length == 0)
        {
            throw new ConfigException($"{Prefix}cluster: no cluster named; expected {Prefix}cluster=NAME (your existing cluster; put your keys in cdk.json's context), {Prefix}safeCapacityClusters=none (host fix and proactive association only), or {Prefix}exampleEnvironment=true (creates a VPC with a NAT gateway, a cluster, EFS and an example service)");
        }

        if (config.VpcId.Length > 0 && config.SubnetIds.Count == 0)
            throw new ConfigException($"{Prefix}subnetIds: required with {Prefix}vpcId; expected a comma-separated list of private subnet ids of that VPC");
        if (config.VpcId.Length == 0 && config.SubnetIds.Count > 0)
            throw new ConfigException($"{Prefix}subnetIds: given without {Prefix}vpcId; expected empty, or set {Prefix}vpcId");
        if (config.VpcId.Length > 0 && config.TaskSecurityGroupIds.Count == 0)
            throw new ConfigException($"{Prefix}taskSecurityGroupIds: required with {Prefix}vpcId (ECS events do not carry a task's security groups); expected a comma-separated list of security group ids");

        // The runbook role's ECS permissions are built from cluster names, so an ARN cannot be honoured there.
        if (config.AllowedClusters.FirstOrDefault(c => !EcsNames.IsName(c)) is { } arn)
            throw Invalid(Settings.AllowedClusters.Key!, arn, "a comma-separated list of cluster names (the runbook role's permissions are built from names)");

        if (config.SafeCapacityMaxSize < config.SafeCapacityMinSize)
            throw new ConfigException($"{Prefix}safeCapacityMaxSize: {config.SafeCapacityMaxSize} is below {Prefix}safeCapacityMinSize {config.SafeCapacityMinSize}; expected max >= min");

        var served = SafeCapacityClusters(config);
        if (!config.ExampleEnvironment && served.Count > 0 && config.VpcId.Length == 0)
            throw new ConfigException($"{Prefix}vpcId: required for the safe capacity of {string.Join(", ", served.Select(c => c.Name))}; expected the VPC id of its container instances (with subnetIds and taskSecurityGroupIds), or {Prefix}safeCapacityClusters=none");

        config = config with { SafeCapacityClusters = served };
        return config with { Organization = Organization(config) };
    }

    /// <summary>The keys that name existing resources, which the example environment creates instead.</summary>
    static readonly Setting[] ExistingResourceSettings =
    [
        Settings.Cluster, Settings.VpcId, Settings.SubnetIds, Settings.TaskSecurityGroupIds, Settings.SafeCapacityClusterNames,
        Settings.ExistingCapacityProviders, Settings.ExistingDefaultStrategy,
    ];

    /// <summary>
    /// The clusters that get safe capacity, each with its own provider name and what its association keeps. Items of
    /// existingCapacityProviders and existingDefaultStrategy belong to `cluster` unless scoped CLUSTER/item; every
    /// existing cluster must have its default strategy (or none) stated, since the association replaces it.
    /// </summary>
    static IReadOnlyList<SafeCapacityCluster> SafeCapacityClusters(RemediationConfig config)
    {
        var names = config.List(Settings.SafeCapacityClusterNames);
        if (names.Contains(Settings.SafeCapacityNone) && names.Count > 1)
            throw new ConfigException($"{Prefix}safeCapacityClusters: none is given with cluster names; expected either none or the names");
        IReadOnlyList<string> clusters = config.ExampleEnvironment ? [RemediationConfig.CreatedClusterName]
            : names.Contains(Settings.SafeCapacityNone) ? []
            : names.Count > 0 ? names
            : [config.Cluster];

        string Owner(Setting setting, string item)
        {
            var (cluster, _) = Settings.ClusterScoped(item);
            var owner = cluster ?? (config.Cluster.Length > 0 ? config.Cluster
                : throw new ConfigException($"{Prefix}{setting.Key}: {item} names no cluster and {Prefix}cluster is unset; expected CLUSTER/{item}"));
            if (!clusters.Contains(owner))
                throw new ConfigException($"{Prefix}{setting.Key}: {item} is for cluster {owner}, which gets no safe capacity; expected items for {(clusters.Count == 0 ? "no cluster" : string.Join(", ", clusters))} only");
            return owner;
        }
        var providers = config.List(Settings.ExistingCapacityProviders).ToLookup(i => Owner(Settings.ExistingCapacityProviders, i), i => Settings.ClusterScoped(i).Item);
        var strategies = config.List(Settings.ExistingDefaultStrategy).ToLookup(i => Owner(Settings.ExistingDefaultStrategy, i), i => Settings.ClusterScoped(i).Item);

        return clusters.Select(name =>
        {
            var provider = SafeCapacityProviders.For(config.SafeCapacityProviderName, name, clusters.Count);
            if (!EcsNames.IsCapacityProviderName(provider))
                throw new ConfigException($"{Prefix}safeCapacityProviderName: {provider}, the provider of cluster {name}, is longer than 255 characters; expected a shorter name");
            // PutMetricAlarm's AlarmName: 1-255 characters (botocore 1.43 cloudwatch/2010-08-01 service-2.json, AlarmName).
            if (CapacityStack.NoSafeInstanceAlarmName(AppStacks.CapacityStackName, name, clusters.Count).Length > 255)
                throw new ConfigException($"{Prefix}safeCapacityClusters: {name} is too long to name its safe capacity alarm (255 characters at most); expected a shorter cluster name");
            var existing = providers[name].Distinct(StringComparer.Ordinal).ToArray();
            if (existing.Contains(provider))
                throw new ConfigException($"{Prefix}existingCapacityProviders: lists the safe capacity provider {provider} for cluster {name}; expected only the providers the cluster had before");

            var strategy = strategies[name].ToArray();
            if (strategy.Length == 0 && !config.ExampleEnvironment)
                throw new ConfigException($"{Prefix}existingDefaultStrategy: none given for cluster {name}, and its association replaces the cluster's default strategy; expected its current one as provider:weight[:base] items (aws ecs describe-clusters --clusters {name} --query 'clusters[0].defaultCapacityProviderStrategy'), or none when it has none");
            if (strategy.Contains(Settings.SafeCapacityNone) && strategy.Length > 1)
                throw new ConfigException($"{Prefix}existingDefaultStrategy: none is given with strategy items for cluster {name}; expected either none or the items");
            var items = strategy.Where(i => i != Settings.SafeCapacityNone).Select(StrategyItem.Parse).ToArray();
            if (items.FirstOrDefault(item => !existing.Contains(item.CapacityProvider)) is { } stranger)
                throw Invalid(Settings.ExistingDefaultStrategy.Key!, $"{stranger.CapacityProvider}:{stranger.Weight}:{stranger.Base}", Settings.ExistingDefaultStrategy.Rule.Expected);
            return new SafeCapacityCluster(name, provider, existing, items);
        }).ToArray();
    }

    /// <summary>
    /// The organization keys: all three of organizationId, organizationTargets and organizationRegions, or
    /// none (then the two optional ones must be unset too). An account setting that reschedules needs the hub
    /// to reschedule at all: reschedule on, and safe capacity somewhere.
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

        // A setting that reschedules needs the hub to reschedule at all.
        var settings = new List<AccountSettingItem>();
        foreach (var item in config.List(Settings.OrganizationAccountSettings))
        {
            var setting = AccountSettingItem.Parse(item)!;
            if (settings.Any(s => s.Account == setting.Account))
                throw new ConfigException($"{Prefix}organizationAccountSettings: account {setting.Account} is listed twice; expected one item per account");
            if (setting.Reschedule && !config.Reschedules)
                throw new ConfigException($"{Prefix}organizationAccountSettings: {item} reschedules while {Prefix}reschedule is false or {Prefix}safeCapacityClusters is none; expected off, or the hub rescheduling");
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
