using System.Globalization;
using System.Text.RegularExpressions;

namespace Infra.Configuration;

/// <summary>
/// Reads <see cref="RemediationConfig"/> from context values ("remediation:KEY"). Every value is validated;
/// a bad one is a <see cref="ConfigException"/> naming the key and the expected form, so synth stops there.
/// </summary>
public static partial class ConfigReader
{
    public const string Prefix = "remediation:";

    /// <summary>Every key read, for rejecting typos such as "remediation:clusters".</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "cluster", "vpcId", "subnetIds", "taskSecurityGroupIds", "mode", "reschedule", "vpcResolver",
        "allowedClusters", "maxAttempts", "notificationEmail", "safeCapacityProviderName",
        "safeCapacityInstanceType", "safeCapacityMinSize", "safeCapacityMaxSize", "existingCapacityProviders",
        "existingDefaultStrategy", "proactiveAction", "proactiveSchedule", "hostFixWindowMinutes",
        "taskDefinitionFamilies", "taskRoleArns", "sandbox", "reservedConcurrency",
        "organizationId", "organizationTargets", "organizationRegions", "organizationAccountSettings", "organizationCallAs",
        "organizationOperatorRoleArns",
    ];

    /// <summary>
    /// Reads the configuration. <paramref name="lookup"/> gets a full context key and returns its value
    /// (a string from `-c`, or a JSON string, number, boolean or array from cdk.json); null means unset.
    /// <paramref name="presentKeys"/> are the context keys that exist, to catch unknown "remediation:" keys.
    /// </summary>
    public static RemediationConfig Read(Func<string, object?> lookup, IEnumerable<string> presentKeys)
    {
        foreach (var key in presentKeys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            if (!Keys.Contains(key[Prefix.Length..]))
                throw new ConfigException($"{key}: unknown key; expected one of {string.Join(", ", Keys.Select(k => Prefix + k))}");
        }

        string? Text(string key) => Normalize(lookup(Prefix + key));
        var d = RemediationConfig.Default;

        var cluster = Text("cluster") ?? d.Cluster;
        Check(cluster.Length == 0 || EcsNames.IsName(cluster), "cluster", cluster, "an existing ECS cluster name (1-255 letters, digits, '-' or '_'), or empty to create one");

        var vpcId = Text("vpcId") ?? d.VpcId;
        Check(vpcId.Length == 0 || VpcIdPattern().IsMatch(vpcId), "vpcId", vpcId, "a VPC id such as vpc-0123456789abcdef0, or empty to create a VPC");
        var subnets = List("subnetIds", Text("subnetIds"), EcsNames.IsSubnetId, "a comma-separated list of subnet ids such as subnet-0123456789abcdef0");
        if (vpcId.Length > 0 && subnets.Count == 0)
            throw new ConfigException($"{Prefix}subnetIds: required with {Prefix}vpcId; expected a comma-separated list of private subnet ids of that VPC");
        if (vpcId.Length == 0 && subnets.Count > 0)
            throw new ConfigException($"{Prefix}subnetIds: given without {Prefix}vpcId; expected empty when the app creates the VPC, or set {Prefix}vpcId");
        var securityGroups = List("taskSecurityGroupIds", Text("taskSecurityGroupIds"), SecurityGroupPattern().IsMatch, "a comma-separated list of security group ids such as sg-0123456789abcdef0");
        if (vpcId.Length > 0 && securityGroups.Count == 0)
            throw new ConfigException($"{Prefix}taskSecurityGroupIds: required with {Prefix}vpcId (ECS events do not carry a task's security groups); expected a comma-separated list of security group ids");

        var modeText = Text("mode");
        var mode = RemediationModes.Parse(modeText)
            ?? throw Invalid("mode", modeText!, $"\"{RemediationModes.Observe}\" or \"{RemediationModes.Remediate}\"");
        var reschedule = Bool("reschedule", Text("reschedule"), d.Reschedule);

        var resolver = Text("vpcResolver") ?? d.VpcResolver;
        Check(IpLiteral.IsValid(resolver), "vpcResolver", resolver, "an IPv4 or IPv6 address that is not loopback, such as " + Remediation.Contracts.VpcResolver.Default);

        var allowed = List("allowedClusters", Text("allowedClusters"), EcsNames.IsName, "a comma-separated list of cluster names");
        var maxAttempts = Int("maxAttempts", Text("maxAttempts"), d.MaxAttempts, 1, RemediatorEnvironment.MaxMaxAttempts);

        var email = Text("notificationEmail") ?? d.NotificationEmail;
        Check(email.Length == 0 || EmailPattern().IsMatch(email), "notificationEmail", email, "an e-mail address, or empty for no subscription");

        var providerName = Text("safeCapacityProviderName") ?? d.SafeCapacityProviderName;
        Check(EcsNames.IsName(providerName) && !ReservedPrefix().IsMatch(providerName), "safeCapacityProviderName", providerName,
            "a capacity provider name: 1-255 letters, digits, '-' or '_', not starting with aws, ecs or fargate");
        var instanceType = Text("safeCapacityInstanceType") ?? d.SafeCapacityInstanceType;
        Check(InstanceTypePattern().IsMatch(instanceType), "safeCapacityInstanceType", instanceType, "an EC2 instance type such as t4g.medium or m7i.large");
        var minSize = Int("safeCapacityMinSize", Text("safeCapacityMinSize"), d.SafeCapacityMinSize, 0, 1000);
        var maxSize = Int("safeCapacityMaxSize", Text("safeCapacityMaxSize"), d.SafeCapacityMaxSize, 1, 1000);
        if (maxSize < minSize)
            throw new ConfigException($"{Prefix}safeCapacityMaxSize: {maxSize} is below {Prefix}safeCapacityMinSize {minSize}; expected max >= min");

        var existing = List("existingCapacityProviders", Text("existingCapacityProviders"), EcsNames.IsName, "a comma-separated list of capacity provider names");
        if (existing.Count > 0 && cluster.Length == 0)
            throw new ConfigException($"{Prefix}existingCapacityProviders: given without {Prefix}cluster; expected empty when the app creates the cluster");
        if (existing.Contains(providerName))
            throw new ConfigException($"{Prefix}existingCapacityProviders: lists the safe capacity provider {providerName}; expected only the providers the cluster had before");
        var strategy = Strategy(Text("existingDefaultStrategy"), existing);

        var action = Text("proactiveAction") switch
        {
            null or "check" => ProactiveAction.Check,
            "fix" => ProactiveAction.Fix,
            var other => throw Invalid("proactiveAction", other, "\"check\" or \"fix\""),
        };
        var schedule = Text("proactiveSchedule") ?? d.ProactiveSchedule;
        Check(SchedulePattern().IsMatch(schedule) && !TooFrequent(schedule), "proactiveSchedule", schedule,
            "a State Manager schedule such as rate(30 minutes) or cron(0 */2 * * ? *); a rate of at least 30 minutes");
        var window = Int("hostFixWindowMinutes", Text("hostFixWindowMinutes"), d.HostFixWindowMinutes, 1, RemediatorEnvironment.MaxHostFixWindowMinutes);

        var families = List("taskDefinitionFamilies", Text("taskDefinitionFamilies"), EcsNames.IsName, "a comma-separated list of task-definition family names");
        var roles = List("taskRoleArns", Text("taskRoleArns"), RoleArnPattern().IsMatch, "a comma-separated list of IAM role ARNs (arn:aws:iam::123456789012:role/name)");
        var sandbox = Bool("sandbox", Text("sandbox"), d.Sandbox);
        // Empty means unset: cdk.json lists the key with "" so users see it.
        var reserved = Text("reservedConcurrency") is { Length: > 0 } concurrency
            ? Int("reservedConcurrency", concurrency, 0, 1, 1000)
            : d.ReservedConcurrency;
        var organization = Organization(Text, reschedule);

        return new RemediationConfig
        {
            Cluster = cluster,
            VpcId = vpcId,
            SubnetIds = subnets,
            TaskSecurityGroupIds = securityGroups,
            Mode = mode,
            Reschedule = reschedule,
            VpcResolver = resolver,
            AllowedClusters = allowed,
            MaxAttempts = maxAttempts,
            NotificationEmail = email,
            SafeCapacityProviderName = providerName,
            SafeCapacityInstanceType = instanceType,
            SafeCapacityMinSize = minSize,
            SafeCapacityMaxSize = maxSize,
            ExistingCapacityProviders = existing,
            ExistingDefaultStrategy = strategy,
            ProactiveAction = action,
            ProactiveSchedule = schedule,
            HostFixWindowMinutes = window,
            TaskDefinitionFamilies = families,
            TaskRoleArns = roles,
            Sandbox = sandbox,
            ReservedConcurrency = reserved,
            Organization = organization,
        };
    }

    /// <summary>
    /// The organization keys: all three of organizationId, organizationTargets and organizationRegions, or
    /// none (then the two optional ones must be unset too). An account setting that reschedules needs the hub
    /// to reschedule at all (a safe capacity provider name is always set, so only "reschedule" is checked).
    /// </summary>
    static OrganizationConfig? Organization(Func<string, string?> text, bool hubReschedules)
    {
        var id = text("organizationId");
        var targets = List("organizationTargets", text("organizationTargets"), OrganizationTargetPattern().IsMatch,
            "a comma-separated list of organizational unit ids (ou-...) or the root id (r-...)");
        var regions = List("organizationRegions", text("organizationRegions"), RegionPattern().IsMatch,
            "a comma-separated list of regions such as us-east-1,eu-west-1");
        var accountText = text("organizationAccountSettings");
        var callAsText = text("organizationCallAs");
        var operatorsText = text("organizationOperatorRoleArns");
        if (string.IsNullOrEmpty(id) && targets.Count == 0 && regions.Count == 0)
        {
            foreach (var (key, value) in new[] { ("organizationAccountSettings", accountText), ("organizationCallAs", callAsText), ("organizationOperatorRoleArns", operatorsText) })
            {
                if (!string.IsNullOrEmpty(value))
                    throw new ConfigException($"{Prefix}{key}: given without {Prefix}organizationId; expected it unset, or set the organization keys");
            }
            return null;
        }

        Check(id is not null && OrganizationIdPattern().IsMatch(id), "organizationId", id ?? "",
            "an organization id such as o-a1b2c3d4e5 (required with the other organization keys)");
        if (targets.Count == 0)
            throw new ConfigException($"{Prefix}organizationTargets: required with {Prefix}organizationId; expected a comma-separated list of ou-... ids or the root r-...");
        if (targets.Any(t => t.StartsWith("r-", StringComparison.Ordinal)) && targets.Count > 1)
            throw new ConfigException($"{Prefix}organizationTargets: the root already contains every organizational unit; expected either the root alone or organizational units");
        if (regions.Count == 0)
            throw new ConfigException($"{Prefix}organizationRegions: required with {Prefix}organizationId; expected a comma-separated list of regions such as us-east-1,eu-west-1");

        var settings = new List<AccountSettingItem>();
        foreach (var item in (accountText ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var setting = AccountSettingItem.Parse(item);
            Check(setting is not null, "organizationAccountSettings", item,
                "a comma-separated list of ACCOUNT:MODE:RESCHEDULE items such as 111122223333:observe:off (mode observe|remediate, reschedule on|off)");
            if (settings.Any(s => s.Account == setting!.Account))
                throw new ConfigException($"{Prefix}organizationAccountSettings: account {setting!.Account} is listed twice; expected one item per account");
            if (setting!.Reschedule && !hubReschedules)
                throw new ConfigException($"{Prefix}organizationAccountSettings: {item} reschedules while {Prefix}reschedule is false; expected off, or set {Prefix}reschedule to true");
            settings.Add(setting);
        }

        var callAs = callAsText switch
        {
            null or "DELEGATED_ADMIN" => StackSetCaller.DelegatedAdmin,
            "SELF" => StackSetCaller.Self,
            var other => throw Invalid("organizationCallAs", other, "DELEGATED_ADMIN (a delegated administrator deploys) or SELF (the management account deploys)"),
        };
        var operators = List("organizationOperatorRoleArns", operatorsText, RoleArnPattern().IsMatch,
            "a comma-separated list of IAM role ARNs of the hub account (arn:aws:iam::123456789012:role/name)");
        return new OrganizationConfig
        {
            OrganizationId = id!,
            Targets = targets,
            Regions = regions,
            AccountSettings = settings,
            CallAs = callAs,
            OperatorRoleArns = operators,
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

    static IReadOnlyList<string> List(string key, string? text, Func<string, bool> isValid, string expected)
    {
        var items = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var value in items)
            Check(isValid(value), key, value, expected);
        return items.Distinct(StringComparer.Ordinal).ToArray();
    }

    static bool Bool(string key, string? text, bool fallback) => text switch
    {
        null => fallback,
        "true" => true,
        "false" => false,
        var other => throw Invalid(key, other, "true or false"),
    };

    static int Int(string key, string? text, int fallback, int min, int max) => text is null
        ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Invalid(key, text, $"a whole number from {min} to {max}");

    static IReadOnlyList<StrategyItem> Strategy(string? text, IReadOnlyList<string> existing)
    {
        const string key = "existingDefaultStrategy";
        const string expected = "a comma-separated list of provider:weight[:base] items naming providers from existingCapacityProviders";
        var items = new List<StrategyItem>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = part.Split(':');
            if (fields.Length is < 2 or > 3 || !existing.Contains(fields[0])
                || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight > 1000
                || !int.TryParse(fields.Length == 3 ? fields[2] : "0", NumberStyles.None, CultureInfo.InvariantCulture, out var @base) || @base > 100000)
                throw Invalid(key, part, expected);
            items.Add(new StrategyItem(fields[0], weight, @base));
        }
        return items;
    }

    /// <summary>State Manager rejects association rates under 30 minutes.</summary>
    static bool TooFrequent(string schedule) =>
        schedule.StartsWith("rate(", StringComparison.Ordinal)
        && schedule.Contains("minute", StringComparison.Ordinal)
        && int.Parse(schedule[5..schedule.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture) < 30;

    static void Check(bool ok, string key, string value, string expected)
    {
        if (!ok)
            throw Invalid(key, value, expected);
    }

    static ConfigException Invalid(string key, string value, string expected) =>
        new($"{Prefix}{key}: \"{(value.Length > 80 ? value[..80] + "..." : value)}\" is not valid; expected {expected}");

    [GeneratedRegex("^(aws|ecs|fargate)", RegexOptions.IgnoreCase)]
    private static partial Regex ReservedPrefix();

    [GeneratedRegex("^vpc-[0-9a-f]{8,17}$")]
    private static partial Regex VpcIdPattern();

    [GeneratedRegex("^sg-[0-9a-f]{8,17}$")]
    private static partial Regex SecurityGroupPattern();

    [GeneratedRegex(@"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.[a-z0-9]+$")]
    private static partial Regex InstanceTypePattern();

    [GeneratedRegex(@"^(rate\([1-9][0-9]{0,3} (minute|minutes|hour|hours|day|days)\)|cron\([^()]{9,100}\))$")]
    private static partial Regex SchedulePattern();

    [GeneratedRegex("^o-[a-z0-9]{10,32}$")]
    private static partial Regex OrganizationIdPattern();

    [GeneratedRegex("^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$")]
    private static partial Regex OrganizationTargetPattern();

    [GeneratedRegex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")]
    private static partial Regex RegionPattern();


    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")]
    private static partial Regex RoleArnPattern();
}

/// <summary>A configuration value that cannot be used; the message names the key and the expected form.</summary>
public sealed class ConfigException(string message) : Exception(message);
