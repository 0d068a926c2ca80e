namespace Infra.Configuration;

/// <summary>What the proactive State Manager association does on each run.</summary>
public enum ProactiveAction
{
    Check,
    Fix,
}

/// <summary>
/// The app's configuration, read from cdk.json context (keys "remediation:*") and `-c` overrides by
/// <see cref="ConfigReader"/>. The defaults synthesize with no AWS account: a VPC and a cluster are created.
/// </summary>
public sealed record RemediationConfig
{
    /// <summary>Name of the cluster created when <see cref="Cluster"/> is empty.</summary>
    public const string CreatedClusterName = "ecs-dns-remediation";

    /// <summary>Existing cluster name; empty means the app creates <see cref="CreatedClusterName"/>.</summary>
    public string Cluster { get; init; } = "";

    /// <summary>Existing VPC id; empty means the app creates a VPC (and then subnets must be empty too).</summary>
    public string VpcId { get; init; } = "";

    /// <summary>Private subnets of the existing VPC for the safe capacity and rescheduled tasks.</summary>
    public IReadOnlyList<string> SubnetIds { get; init; } = [];

    /// <summary>Security groups given to rescheduled tasks; empty with a created VPC means one is created.</summary>
    public IReadOnlyList<string> TaskSecurityGroupIds { get; init; } = [];

    public RemediationMode Mode { get; init; } = RemediationMode.Remediate;

    /// <summary>Whether standalone tasks are rescheduled onto the safe capacity.</summary>
    public bool Reschedule { get; init; } = true;

    public string VpcResolver { get; init; } = Remediation.Contracts.VpcResolver.Default;

    /// <summary>Clusters the Remediator may act on; empty means every cluster in the account and Region.</summary>
    public IReadOnlyList<string> AllowedClusters { get; init; } = [];

    public int MaxAttempts { get; init; } = RemediatorEnvironment.DefaultMaxAttempts;

    /// <summary>Address subscribed to the notification topic; empty means no subscription.</summary>
    public string NotificationEmail { get; init; } = "";

    public string SafeCapacityProviderName { get; init; } = "dns-safe-capacity";

    public string SafeCapacityInstanceType { get; init; } = "t4g.medium";

    public int SafeCapacityMinSize { get; init; }

    public int SafeCapacityMaxSize { get; init; } = 4;

    /// <summary>Capacity providers the existing cluster already has; kept in the association we write.</summary>
    public IReadOnlyList<string> ExistingCapacityProviders { get; init; } = [];

    /// <summary>The existing cluster's default capacity provider strategy, kept as it is.</summary>
    public IReadOnlyList<StrategyItem> ExistingDefaultStrategy { get; init; } = [];

    public ProactiveAction ProactiveAction { get; init; } = ProactiveAction.Check;

    public string ProactiveSchedule { get; init; } = "rate(30 minutes)";

    public int HostFixWindowMinutes { get; init; } = RemediatorEnvironment.DefaultHostFixWindowMinutes;

    /// <summary>Task-definition families the runbook may run; empty means any family in the account and Region.</summary>
    public IReadOnlyList<string> TaskDefinitionFamilies { get; init; } = [];

    /// <summary>Task and execution roles the runbook may pass to ECS; empty means any role of the account.</summary>
    public IReadOnlyList<string> TaskRoleArns { get; init; } = [];

    /// <summary>
    /// Concurrent executions reserved for (and capping) the Remediator; null reserves none, so the function
    /// shares the account's pool. A reservation fails to deploy when it would leave the account under 10 unreserved.
    /// </summary>
    public int? ReservedConcurrency { get; init; }

    /// <summary>Whether the sandbox stack (the seed's failing setup) is synthesized.</summary>
    public bool Sandbox { get; init; }

    /// <summary>Organization scale; null (the keys unset) is the single-account app.</summary>
    public OrganizationConfig? Organization { get; init; }

    public static RemediationConfig Default { get; } = new();

    /// <summary>The cluster the safe capacity joins.</summary>
    public string EffectiveClusterName => Cluster.Length > 0 ? Cluster : CreatedClusterName;

    public bool CreatesCluster => Cluster.Length == 0;

    public bool CreatesVpc => VpcId.Length == 0;
}

/// <summary>One item of a capacity provider strategy.</summary>
public sealed record StrategyItem(string CapacityProvider, int Weight, int Base);
