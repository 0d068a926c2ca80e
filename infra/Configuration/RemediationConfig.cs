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
/// its rule, with typed views for the stacks. Nothing is created that was not asked for: a VPC and a cluster only with
/// <see cref="Settings.ExampleEnvironment"/>; existing ones are given by id, never looked up, so synth needs no AWS account.
/// </summary>
public sealed record RemediationConfig
{
    /// <summary>Name of the cluster the example environment creates.</summary>
    public const string CreatedClusterName = "ecs-dns-remediation";

    /// <summary>The checked text of each setting, by its key; the defaults fill what the context leaves unset.</summary>
    public required IReadOnlyDictionary<string, string> Values { get; init; }

    /// <summary>Organization scale; null (the keys unset) is the single-account app.</summary>
    public OrganizationConfig? Organization { get; init; }

    /// <summary>The clusters that get safe capacity, in the order given; empty: no safe capacity at all.</summary>
    public IReadOnlyList<SafeCapacityCluster> SafeCapacityClusters { get; init; } = [];

    public string Text(Setting setting) => Values[setting.Key!];

    /// <summary>The items of a list setting, each once, in the order given.</summary>
    public IReadOnlyList<string> List(Setting setting) => SettingRule.Items(Text(setting)).Distinct(StringComparer.Ordinal).ToArray();

    public int Number(Setting setting) => Setting.Number(Text(setting));

    public bool Flag(Setting setting) => Text(setting) == "true";

    /// <summary>The user's existing cluster; empty with the example environment (<see cref="CreatedClusterName"/>) or none named.</summary>
    public string Cluster => Text(Settings.Cluster);

    /// <summary>True: the app creates a VPC, <see cref="CreatedClusterName"/> and an example workload.</summary>
    public bool ExampleEnvironment => Flag(Settings.ExampleEnvironment);

    /// <summary>The existing VPC of the safe capacity; empty with the example environment, or without safe capacity.</summary>
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

    /// <summary>
    /// What the proactive association does: observe mode never changes a host, so it holds a configured fix at check.
    /// </summary>
    public ProactiveAction ProactiveAction =>
        Text(Settings.ProactiveAction) == "fix" && Mode != RemediationMode.Observe ? ProactiveAction.Fix : ProactiveAction.Check;

    public string ProactiveSchedule => Text(Settings.ProactiveSchedule);

    public IReadOnlyList<string> TaskDefinitionFamilies => List(Settings.TaskDefinitionFamilies);

    public IReadOnlyList<string> TaskRoleArns => List(Settings.TaskRoleArns);

    /// <summary>Concurrent executions reserved for (and capping) the Remediator; null reserves none.</summary>
    public int? ReservedConcurrency => Text(Settings.ReservedConcurrency) is { Length: > 0 } text ? Setting.Number(text) : null;

    public bool Sandbox => Flag(Settings.Sandbox);

    public bool CreatesCluster => ExampleEnvironment;

    public bool CreatesVpc => ExampleEnvironment;

    /// <summary>Whether the function reschedules: only onto a safe capacity provider that exists.</summary>
    public bool Reschedules => Reschedule && SafeCapacityClusters.Count > 0;

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
public sealed record StrategyItem(string CapacityProvider, int Weight, int Base)
{
    /// <summary>An item that passed <see cref="Settings.ExistingDefaultStrategy"/>'s rule: provider:weight[:base].</summary>
    public static StrategyItem Parse(string text)
    {
        var f = text.Split(':');
        return new(f[0], Setting.Number(f[1]), f.Length == 3 ? Setting.Number(f[2]) : 0);
    }
}

/// <summary>
/// A cluster the safe capacity serves: its own provider, and what its association must keep (the providers and the
/// default strategy the cluster has now; the association resource replaces both).
/// </summary>
public sealed record SafeCapacityCluster(string Name, string ProviderName, IReadOnlyList<string> ExistingProviders, IReadOnlyList<StrategyItem> DefaultStrategy);
