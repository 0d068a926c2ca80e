namespace Infra.Configuration;

/// <summary>What the proactive State Manager association does on each run.</summary>
public enum ProactiveAction
{
    Check,
    Fix,
}

/// <summary>
/// The app's configuration, read from cdk.json context (keys "remediation:*") and `-c` overrides by
/// <see cref="ConfigReader"/>: the text of every setting with a key in <see cref="Settings"/>, each checked against
/// its rule, with typed views for the stacks. The defaults synthesize with no AWS account: a VPC and a cluster are created.
/// </summary>
public sealed record RemediationConfig
{
    /// <summary>Name of the cluster created when <see cref="Cluster"/> is empty.</summary>
    public const string CreatedClusterName = "ecs-dns-remediation";

    /// <summary>The checked text of each setting, by its key; the defaults fill what the context leaves unset.</summary>
    public required IReadOnlyDictionary<string, string> Values { get; init; }

    /// <summary>Organization scale; null (the keys unset) is the single-account app.</summary>
    public OrganizationConfig? Organization { get; init; }

    public string Text(Setting setting) => Values[setting.Key!];

    /// <summary>The items of a list setting, each once, in the order given.</summary>
    public IReadOnlyList<string> List(Setting setting) => SettingRule.Items(Text(setting)).Distinct(StringComparer.Ordinal).ToArray();

    public int Number(Setting setting) => Setting.Number(Text(setting));

    public bool Flag(Setting setting) => Text(setting) == "true";

    /// <summary>Existing cluster name; empty means the app creates <see cref="CreatedClusterName"/>.</summary>
    public string Cluster => Text(Settings.Cluster);

    /// <summary>Existing VPC id; empty means the app creates a VPC (and then subnets must be empty too).</summary>
    public string VpcId => Text(Settings.VpcId);

    public IReadOnlyList<string> SubnetIds => List(Settings.SubnetIds);

    public IReadOnlyList<string> TaskSecurityGroupIds => List(Settings.TaskSecurityGroupIds);

    public RemediationMode Mode => RemediationModes.Parse(Text(Settings.Mode))!.Value;

    public bool Reschedule => Flag(Settings.Reschedule);

    public string VpcResolver => Text(Settings.VpcResolver);

    public IReadOnlyList<string> AllowedClusters => List(Settings.AllowedClusters);

    public int MaxAttempts => Number(Settings.MaxAttempts);

    public string NotificationEmail => Text(Settings.NotificationEmail);

    public string SafeCapacityProviderName => Text(Settings.SafeCapacityProviderName);

    public string SafeCapacityInstanceType => Text(Settings.SafeCapacityInstanceType);

    public int SafeCapacityMinSize => Number(Settings.SafeCapacityMinSize);

    public int SafeCapacityMaxSize => Number(Settings.SafeCapacityMaxSize);

    public IReadOnlyList<string> ExistingCapacityProviders => List(Settings.ExistingCapacityProviders);

    public IReadOnlyList<StrategyItem> ExistingDefaultStrategy => List(Settings.ExistingDefaultStrategy)
        .Select(item => item.Split(':'))
        .Select(f => new StrategyItem(f[0], Setting.Number(f[1]), f.Length == 3 ? Setting.Number(f[2]) : 0))
        .ToArray();

    public ProactiveAction ProactiveAction => Text(Settings.ProactiveAction) == "fix" ? ProactiveAction.Fix : ProactiveAction.Check;

    public string ProactiveSchedule => Text(Settings.ProactiveSchedule);

    public int HostFixWindowMinutes => Number(Settings.HostFixWindowMinutes);

    public IReadOnlyList<string> TaskDefinitionFamilies => List(Settings.TaskDefinitionFamilies);

    public IReadOnlyList<string> TaskRoleArns => List(Settings.TaskRoleArns);

    /// <summary>Concurrent executions reserved for (and capping) the Remediator; null reserves none.</summary>
    public int? ReservedConcurrency => Text(Settings.ReservedConcurrency) is { Length: > 0 } text ? Setting.Number(text) : null;

    public bool Sandbox => Flag(Settings.Sandbox);

    /// <summary>The configuration with nothing set.</summary>
    public static RemediationConfig Default { get; } = ConfigReader.Read(_ => null, []);

    /// <summary>The cluster the safe capacity joins.</summary>
    public string EffectiveClusterName => Cluster.Length > 0 ? Cluster : CreatedClusterName;

    public bool CreatesCluster => Cluster.Length == 0;

    public bool CreatesVpc => VpcId.Length == 0;

    /// <summary>
    /// The function's environment: every setting that has both a key and a variable, as checked; and the defaults
    /// of the function's settings that no key sets but that have one. The function adds its resources' names.
    /// </summary>
    public IReadOnlyDictionary<string, string> FunctionEnvironment() =>
        Settings.All
            .Where(s => s.Variable is not null && (s.Key is not null || s.Default.Length > 0))
            .ToDictionary(s => s.Variable!, s => s.Key is null ? s.Default : Text(s));
}

/// <summary>One item of a capacity provider strategy.</summary>
public sealed record StrategyItem(string CapacityProvider, int Weight, int Base);
