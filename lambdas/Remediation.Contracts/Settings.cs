using System.Globalization;
using System.Text.RegularExpressions;

namespace Remediation.Contracts;

/// <summary>
/// One setting: its cdk.json context key (without the "remediation:" prefix; null when only the stack sets it), the
/// function's environment variable (null when only the CDK app reads it), the default that applies when it is unset
/// or blank ("" is none), the rule a value must pass, and what it means. The CDK app's reader, the stack's
/// environment for the function, the function's readers and the README's settings table all come from these rows.
/// </summary>
public sealed record Setting(string? Key, string? Variable, string Default, SettingRule Rule, string Meaning)
{
    /// <summary>The whole number <paramref name="text"/> stands for; only for text that passed a whole-number rule.</summary>
    public static int Number(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    public int DefaultNumber => Number(Default);
}

/// <summary>
/// What a setting's value must look like. A list is comma-separated (a JSON array in cdk.json) and every item must
/// pass; blank items are dropped. The rules are ASCII only and anchored with \z: no trailing newline, no non-ASCII digits.
/// </summary>
public sealed record SettingRule(string Expected, Func<string, bool> Accepts, bool IsList = false)
{
    /// <summary>The part of <paramref name="value"/> that breaks the rule (the value, or one list item); null when none does.</summary>
    public string? Rejected(string value) => IsList ? Items(value).FirstOrDefault(item => !Accepts(item)) : Accepts(value) ? null : value;

    public static IReadOnlyList<string> Items(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static SettingRule OneOf(params string[] values) =>
        new(string.Join(" or ", values.Select(v => $"\"{v}\"")), values.Contains);

    public static SettingRule TrueOrFalse { get; } = OneOf("true", "false");

    public static SettingRule WholeNumber(int min, int max) =>
        new($"a whole number from {min} to {max}",
            text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max);

    public SettingRule List(string expected) => new(expected, Accepts, IsList: true);
}

/// <summary>
/// The names of the function's environment variables: the CDK app sets them, the function reads them at start-up,
/// and the CLI's --config file uses the same keys. Their defaults, rules and meanings are the rows of <see cref="Settings"/>.
/// </summary>
public static class RemediatorEnvironment
{
    /// <summary>"remediate" or "observe" (<see cref="RemediationModes"/>).</summary>
    public const string Mode = "REMEDIATOR_MODE";

    /// <summary>
    /// Comma-separated cluster names or ARNs; empty means every cluster. An ARN allows that cluster only; a name
    /// allows that cluster of the function's own account and Region (<see cref="Account"/>, <see cref="Region"/>),
    /// or of every account and Region in an organization hub.
    /// </summary>
    public const string AllowedClusters = "REMEDIATOR_ALLOWED_CLUSTERS";

    /// <summary>The function's own account (the stack sets it): where a bare name in <see cref="AllowedClusters"/> names a cluster.</summary>
    public const string Account = "REMEDIATOR_ACCOUNT";

    /// <summary>The function's own Region (the stack sets it): where a bare name in <see cref="AllowedClusters"/> names a cluster.</summary>
    public const string Region = "REMEDIATOR_REGION";

    /// <summary>Reschedules of one original task before the Remediator only notifies.</summary>
    public const string MaxAttempts = "REMEDIATOR_MAX_ATTEMPTS";

    /// <summary>The VPC resolver the host fix puts within the first three nameservers.</summary>
    public const string VpcResolver = "REMEDIATOR_VPC_RESOLVER";

    /// <summary>The safe capacity provider reschedules go to.</summary>
    public const string SafeCapacityProvider = "REMEDIATOR_SAFE_CAPACITY_PROVIDER";

    /// <summary>
    /// Comma-separated ARNs of the clusters the safe capacity provider is associated with, the only ones where
    /// RunTask takes it; the CDK app always sets it. Unset: not known, a reschedule may go to any allowed cluster.
    /// </summary>
    public const string SafeCapacityClusters = "REMEDIATOR_SAFE_CAPACITY_CLUSTERS";

    /// <summary>"true" or "false": whether standalone tasks are rescheduled.</summary>
    public const string Reschedule = "REMEDIATOR_RESCHEDULE";

    /// <summary>The SSM Automation runbook started for each remediate plan.</summary>
    public const string RunbookName = "REMEDIATOR_RUNBOOK_NAME";

    /// <summary>The role passed as the runbook's AutomationAssumeRole.</summary>
    public const string AutomationRoleArn = "REMEDIATOR_AUTOMATION_ROLE_ARN";

    /// <summary>The DynamoDB table of idempotency claims.</summary>
    public const string ClaimsTable = "REMEDIATOR_CLAIMS_TABLE";

    /// <summary>One host fix per container instance within this many minutes.</summary>
    public const string HostFixWindowMinutes = "REMEDIATOR_HOST_FIX_WINDOW_MINUTES";

    /// <summary>The CloudWatch namespace of the function's metrics (<see cref="RemediatorMetrics"/>).</summary>
    public const string MetricsNamespace = "REMEDIATOR_METRICS_NAMESPACE";

    /// <summary>
    /// Organization hub only: mode and reschedule per member account, comma-separated <see cref="AccountSettingItem"/>s.
    /// </summary>
    public const string AccountSettings = "REMEDIATOR_ACCOUNT_SETTINGS";

    /// <summary>Organization hub only: the hub's own account, whose events act through its own runbook.</summary>
    public const string HubAccount = "REMEDIATOR_HUB_ACCOUNT";

    /// <summary>Organization hub only: the member access role's name before its -REGION suffix.</summary>
    public const string MemberRoleName = "REMEDIATOR_MEMBER_ROLE_NAME";

    /// <summary>Organization hub only: the runbook the member part deploys in each member account.</summary>
    public const string MemberRunbookName = "REMEDIATOR_MEMBER_RUNBOOK_NAME";

    /// <summary>
    /// The later queue's URL (the stack sets it): an event whose start SSM refused for a limit waits there, with a
    /// delay, and comes back to the function. Unset: such an event fails its invocation, as any other failure to act.
    /// </summary>
    public const string LaterQueueUrl = "REMEDIATOR_LATER_QUEUE_URL";
}

/// <summary>
/// Every setting of the product, once. Bounds and forms not set by this project cite their source.
/// </summary>
public static partial class Settings
{
    static readonly SettingRule EcsName = new("a name of 1-255 letters, digits, '-' or '_'", EcsNames.IsName);

    static readonly SettingRule RoleArnRule = new("an IAM role ARN such as arn:aws:iam::123456789012:role/Name", text => RoleArn().IsMatch(text));

    public static readonly Setting Cluster = new("cluster", null, "",
        new("an existing ECS cluster name (1-255 letters, digits, '-' or '_')", EcsNames.IsName),
        "your existing ECS cluster: the safe capacity joins it (unless `safeCapacityClusters` says otherwise) and the proactive association checks its instances. Synth stops when neither this, `safeCapacityClusters` nor `exampleEnvironment` is set");

    public static readonly Setting ExampleEnvironment = new("exampleEnvironment", null, "false", SettingRule.TrueOrFalse,
        "`true`: create a trial environment instead of using yours: a VPC (2 AZs, 1 NAT gateway, flow logs), the cluster `ecs-dns-remediation` (Container Insights on) with the safe capacity, an EFS file system and an example awsvpc service (desired count 0). Takes none of the keys that name existing resources");

    public static readonly Setting VpcId = new("vpcId", null, "",
        new("a VPC id such as vpc-0123456789abcdef0", text => VpcIdPattern().IsMatch(text)),
        "the existing VPC of the safe capacity's instances (required while safe capacity serves an existing cluster)");

    public static readonly Setting SubnetIds = new("subnetIds", null, "",
        new SettingRule("", EcsNames.IsSubnetId).List("a comma-separated list of subnet ids such as subnet-0123456789abcdef0"),
        "private subnets of that VPC for the safe capacity and rescheduled tasks (required with `vpcId`)");

    public static readonly Setting TaskSecurityGroupIds = new("taskSecurityGroupIds", null, "",
        new SettingRule("", text => SecurityGroupPattern().IsMatch(text)).List("a comma-separated list of security group ids such as sg-0123456789abcdef0"),
        "security groups of rescheduled tasks (required with `vpcId`: ECS events do not carry them); empty with a created VPC: one is created");

    public static readonly Setting Mode = new("mode", RemediatorEnvironment.Mode, RemediationModes.Remediate,
        SettingRule.OneOf(RemediationModes.Observe, RemediationModes.Remediate),
        "`observe` plans exactly as usual but never acts");

    public static readonly Setting Reschedule = new("reschedule", RemediatorEnvironment.Reschedule, "true", SettingRule.TrueOrFalse,
        "reschedule standalone tasks onto the safe capacity; `false` to fix hosts only. Unset in the function: on once a safe capacity provider is named");

    public static readonly Setting VpcResolver = new("vpcResolver", RemediatorEnvironment.VpcResolver, Contracts.VpcResolver.Default,
        new("a unicast IPv4 or IPv6 address (not loopback, multicast, reserved or IPv6 link-local), such as " + Contracts.VpcResolver.Default, IpLiteral.IsValid),
        "the VPC resolver the host fix adds (and the documents' `Resolver` default): a unicast IP literal (no loopback, 0/8, multicast, 240/4, IPv6 link-local or IPv4-mapped, zone or dotted IPv6 tail), the rule `resolv-fix.sh` applies");

    public static readonly Setting AllowedClusters = new("allowedClusters", RemediatorEnvironment.AllowedClusters, "",
        new SettingRule("", text => EcsNames.ClusterName(text) is not null).List("a comma-separated list of cluster names or cluster ARNs"),
        "clusters the Remediator may act on; empty: every cluster. An ARN allows that cluster only; a name allows that cluster in the function's own account and Region, or in every account and Region in an organization hub. In cdk.json names only: the runbook role's ECS permissions are then held to these clusters too (recommended)");

    public static readonly Setting MaxAttempts = new("maxAttempts", RemediatorEnvironment.MaxAttempts, "3", SettingRule.WholeNumber(1, 10),
        "reschedules of one original task before the Remediator only notifies");

    public static readonly Setting ReservedConcurrency = new("reservedConcurrency", null, "", SettingRule.WholeNumber(1, 1000),
        "concurrent executions reserved for (and capping) the Remediator; empty: none, the function shares the account's pool. A reservation bounds the SSM/DynamoDB call rate when a whole fleet fails at once, but Lambda refuses it when it would leave fewer than 10 unreserved: on a new account (quota 10) leave it empty");

    public static readonly Setting NotificationEmail = new("notificationEmail", null, "",
        new("an e-mail address, or empty for no subscription", text => EmailPattern().IsMatch(text)),
        "e-mail subscribed to the notification topic (confirm the subscription mail)");

    // CreateCapacityProvider's name "can't be prefixed with aws, ecs, or fargate" (botocore 1.43 ecs/2014-11-13
    // service-2.json, CreateCapacityProviderRequest.name), so no existing provider carries such a name either.
    public static readonly Setting SafeCapacityProviderName = new("safeCapacityProviderName", RemediatorEnvironment.SafeCapacityProvider, "dns-safe-capacity",
        new("a capacity provider name: 1-255 letters, digits, '-' or '_', not starting with aws, ecs or fargate",
            text => EcsNames.IsCapacityProviderName(text) && !ReservedPrefix().IsMatch(text)),
        "the safe capacity provider that reschedules go to (with several `safeCapacityClusters`, NAME-CLUSTER for each). Unset in the function (the CLI without `--config`): none, and no reschedule");

    public static readonly Setting SafeCapacityInstanceType = new("safeCapacityInstanceType", null, "t4g.medium",
        new("an EC2 instance type such as t4g.medium or m7i.large", text => InstanceTypePattern().IsMatch(text)),
        "instance type; Graviton types get the arm64 AMI, others x86_64");

    public static readonly Setting SafeCapacityMinSize = new("safeCapacityMinSize", null, "0", SettingRule.WholeNumber(0, 1000),
        "ASG minimum; the desired count is left to ECS managed scaling");

    public static readonly Setting SafeCapacityMaxSize = new("safeCapacityMaxSize", null, "4", SettingRule.WholeNumber(1, 1000),
        "ASG maximum, at least the minimum");

    public static readonly Setting SafeCapacityClusterNames = new("safeCapacityClusters", null, "",
        new SettingRule("", text => text == SafeCapacityNone || EcsNames.IsName(text)).List(
            "a comma-separated list of existing cluster names, or none"),
        "the clusters that get safe capacity, each its own Auto Scaling group, capacity provider and association (in `vpcId`'s subnets); empty: `cluster`. With several, each provider is named `safeCapacityProviderName-CLUSTER` (provider names are unique per account and Region). `none`: no safe capacity and no `EcsDnsSafeCapacity` stack; the host fix and the proactive association only, no reschedule");

    public static readonly Setting ExistingCapacityProviders = new("existingCapacityProviders", null, "",
        new SettingRule("", text => ClusterScoped(text) is var (cluster, item) && (cluster is null || EcsNames.IsName(cluster)) && EcsNames.IsName(item))
            .List("a comma-separated list of capacity provider names, each as CLUSTER/provider for a cluster other than `cluster`"),
        "the capacity providers each safe capacity cluster already has, kept in its association: `provider` for `cluster`, `CLUSTER/provider` for another");

    public static readonly Setting ExistingDefaultStrategy = new("existingDefaultStrategy", null, "",
        new SettingRule("", text => ClusterScoped(text) is var (cluster, item) && (cluster is null || EcsNames.IsName(cluster)) && (item == SafeCapacityNone || IsStrategyItem(item)))
            .List("a comma-separated list of provider:weight[:base] items naming providers from existingCapacityProviders, or none; each as CLUSTER/item for a cluster other than `cluster`"),
        "the current default capacity provider strategy of each existing safe capacity cluster, kept in its association (which replaces the whole list): `provider:weight[:base],...`, or `none` when it has none; `CLUSTER/...` for a cluster other than `cluster`. Required: synth stops without it");

    public static readonly Setting ProactiveAction = new("proactiveAction", null, "check", SettingRule.OneOf("check", "fix"),
        "what the State Manager association does: `check` (report) or `fix`");

    // State Manager refuses association rates under 30 minutes (CreateAssociation, ScheduleExpression).
    public static readonly Setting ProactiveSchedule = new("proactiveSchedule", null, "rate(30 minutes)",
        new("a State Manager schedule such as rate(30 minutes) or cron(0 */2 * * ? *); a rate of at least 30 minutes",
            text => SchedulePattern().Match(text) is { Success: true } m
                && !(m.Groups["unit"].Value.StartsWith("minute", StringComparison.Ordinal) && Setting.Number(m.Groups["count"].Value) < 30)),
        "association schedule, `rate(...)` or `cron(...)`");

    public static readonly Setting HostFixWindowMinutes = new("hostFixWindowMinutes", RemediatorEnvironment.HostFixWindowMinutes, "15",
        SettingRule.WholeNumber(1, 1440),
        "one host fix per container instance within this many minutes");

    public static readonly Setting TaskDefinitionFamilies = new("taskDefinitionFamilies", null, "",
        EcsName.List("a comma-separated list of task-definition family names"),
        "families the runbook may RunTask; empty: any family of the account and Region");

    public static readonly Setting TaskRoleArns = new("taskRoleArns", null, "",
        RoleArnRule.List("a comma-separated list of IAM role ARNs (arn:aws:iam::123456789012:role/name)"),
        "task/execution roles the runbook may pass to ECS; empty: any role of the account (PassedToService ecs-tasks only)");

    public static readonly Setting Sandbox = new("sandbox", null, "false", SettingRule.TrueOrFalse,
        "also synthesize `EcsDnsSandbox` (its own VPC with a NAT gateway, cluster, dnsmasq instance and EFS: for a sandbox account)");

    public static readonly Setting OrganizationId = new("organizationId", null, "",
        new("an organization id such as o-a1b2c3d4e5 (required with the other organization keys)", text => OrganizationIdPattern().IsMatch(text)),
        "organization scale: the organization whose accounts the hub serves (with `organizationTargets` and `organizationRegions`)");

    public static readonly Setting OrganizationTargets = new("organizationTargets", null, "",
        new SettingRule("", text => OrganizationTargetPattern().IsMatch(text)).List("a comma-separated list of organizational unit ids (ou-...) or the root id (r-...)"),
        "organizational units, or the root alone, the StackSet deploys the member part to");

    public static readonly Setting OrganizationRegions = new("organizationRegions", null, "",
        new SettingRule("", text => RegionPattern().IsMatch(text)).List("a comma-separated list of regions such as us-east-1,eu-west-1"),
        "Regions the StackSet deploys the member part to");

    public static readonly Setting OrganizationAccountSettings = new("organizationAccountSettings", RemediatorEnvironment.AccountSettings, "",
        new SettingRule("", text => AccountSettingItem.Parse(text) is not null).List(
            "a comma-separated list of ACCOUNT:MODE:RESCHEDULE items such as 111122223333:observe:off (mode observe|remediate, reschedule on|off), one per account"),
        "organization hub: mode and reschedule of named member accounts; other accounts get the hub's own");

    public static readonly Setting OrganizationCallAs = new("organizationCallAs", null, "DELEGATED_ADMIN",
        new("DELEGATED_ADMIN (a delegated administrator deploys) or SELF (the management account deploys)", text => text is "DELEGATED_ADMIN" or "SELF"),
        "who creates the StackSet: a delegated administrator or the management account itself");

    public static readonly Setting OrganizationOperatorRoleArns = new("organizationOperatorRoleArns", null, "",
        RoleArnRule.List("a comma-separated list of IAM role ARNs of the hub account (arn:aws:iam::123456789012:role/name)"),
        "hub roles of operators that may assume the member access roles too (`remediator fleet --account`)");

    public static readonly Setting RunbookName = new(null, RemediatorEnvironment.RunbookName, "",
        new("an SSM document name: 3-128 letters, digits, '_', '-' or '.'", text => DocumentName().IsMatch(text)),
        "the Automation runbook started for each remediation (required by the function; the stack sets it)");

    public static readonly Setting AutomationRoleArn = new(null, RemediatorEnvironment.AutomationRoleArn, "", RoleArnRule,
        "passed as `AutomationAssumeRole`; unset: the runbook's own role (the stack sets it)");

    // DynamoDB's TableName: 3-255 of [a-zA-Z0-9_.-] (botocore 1.43 dynamodb/2012-08-10 service-2.json, TableName).
    public static readonly Setting ClaimsTable = new(null, RemediatorEnvironment.ClaimsTable, "",
        new("a DynamoDB table name: 3-255 letters, digits, '_', '-' or '.'", text => TableName().IsMatch(text)),
        "DynamoDB table of idempotency claims (required by the function; the stack sets it)");

    // PutMetricData's Namespace: 1-255 characters, "should not" begin with AWS/ (botocore 1.43 cloudwatch/2010-08-01
    // service-2.json, Namespace and PutMetricDataInput.Namespace); the characters allowed are this project's choice.
    public static readonly Setting MetricsNamespace = new(null, RemediatorEnvironment.MetricsNamespace, RemediatorMetrics.DefaultNamespace,
        new("a CloudWatch namespace: 1-255 letters, digits or . - _ / # :, not starting with AWS/",
            text => MetricsNamespaceName().IsMatch(text) && !text.StartsWith("AWS/", StringComparison.Ordinal)),
        "the EMF metrics' namespace");

    public static readonly Setting HubAccount = new(null, RemediatorEnvironment.HubAccount, "",
        new("the hub's 12-digit account id (set with the other organization keys)", text => AccountId().IsMatch(text)),
        "organization hub: its own account, whose events use the hub's own runbook (the stack sets it)");

    // 64 characters at most in IAM, less "-" and the longest region name (14 characters, ap-southeast-5).
    public static readonly Setting MemberRoleName = new(null, RemediatorEnvironment.MemberRoleName, "",
        new("an IAM role name of at most 48 characters (the region is appended)", text => RoleName().IsMatch(text)),
        "organization hub: the access role `NAME-REGION` in each member (the stack sets it)");

    public static readonly Setting MemberRunbookName = new(null, RemediatorEnvironment.MemberRunbookName, "", RunbookName.Rule,
        "organization hub: the runbook the member part deploys (the stack sets it)");

    public static readonly Setting Account = new(null, RemediatorEnvironment.Account, "",
        new("the function's 12-digit account id", text => AccountId().IsMatch(text)),
        "the function's own account: where a bare cluster name in `allowedClusters` is (the stack sets it)");

    public static readonly Setting Region = new(null, RemediatorEnvironment.Region, "",
        new("the function's Region, such as eu-west-1", text => RegionPattern().IsMatch(text)),
        "the function's own Region: where a bare cluster name in `allowedClusters` is (the stack sets it)");

    public static readonly Setting SafeCapacityClusters = new(null, RemediatorEnvironment.SafeCapacityClusters, "",
        new SettingRule("", EcsNames.IsClusterArn).List("a comma-separated list of cluster ARNs (a name alone would match a member account's cluster too)"),
        "the clusters a safe capacity provider is associated with, the only ones where a reschedule is planned, onto that cluster's provider (`SafeCapacityProviders`: with several, NAME-CLUSTER) (the stack sets it); unset: any allowed cluster");

    /// <summary>The word that turns safe capacity off, or says an existing cluster has no default strategy.</summary>
    public const string SafeCapacityNone = "none";

    /// <summary>An item of a per-cluster list split at its first '/': (CLUSTER, rest), or (null, item) when unscoped.</summary>
    public static (string? Cluster, string Item) ClusterScoped(string item) =>
        item.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? (item[..slash], item[(slash + 1)..]) : (null, item);

    /// <summary>Every setting, in the order the README lists them.</summary>
    public static readonly IReadOnlyList<Setting> All =
    [
        Cluster, ExampleEnvironment, VpcId, SubnetIds, TaskSecurityGroupIds, Mode, Reschedule, VpcResolver, AllowedClusters, MaxAttempts,
        ReservedConcurrency, NotificationEmail, SafeCapacityProviderName, SafeCapacityInstanceType, SafeCapacityMinSize,
        SafeCapacityMaxSize, SafeCapacityClusterNames, ExistingCapacityProviders, ExistingDefaultStrategy, ProactiveAction, ProactiveSchedule,
        HostFixWindowMinutes, TaskDefinitionFamilies, TaskRoleArns, Sandbox, OrganizationId, OrganizationTargets,
        OrganizationRegions, OrganizationAccountSettings, OrganizationCallAs, OrganizationOperatorRoleArns,
        RunbookName, AutomationRoleArn, ClaimsTable, MetricsNamespace, HubAccount, MemberRoleName, MemberRunbookName,
        Account, Region, SafeCapacityClusters,
    ];

    [GeneratedRegex(@"^arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArn();

    [GeneratedRegex("^(?:aws|ecs|fargate)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReservedPrefix();

    [GeneratedRegex(@"^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})\z", RegexOptions.CultureInvariant)]
    private static partial Regex VpcIdPattern();

    [GeneratedRegex(@"^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})\z", RegexOptions.CultureInvariant)]
    private static partial Regex SecurityGroupPattern();

    [GeneratedRegex(@"^[^@\s,]+@[^@\s,]+\.[^@\s,]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.[a-z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceTypePattern();

    // A strategy item's weight is 0-1000 and its base 0-100000 (botocore 1.43 ecs/2014-11-13 service-2.json,
    // CapacityProviderStrategyItemWeight and CapacityProviderStrategyItemBase).
    static bool IsStrategyItem(string text) =>
        StrategyItemPattern().Match(text) is { Success: true } m
        && Setting.Number(m.Groups["weight"].Value) <= 1000
        && (!m.Groups["base"].Success || Setting.Number(m.Groups["base"].Value) <= 100000);

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,255}:(?<weight>[0-9]{1,4})(?::(?<base>[0-9]{1,6}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex StrategyItemPattern();

    [GeneratedRegex(@"^(?:rate\((?<count>[1-9][0-9]{0,3}) (?<unit>minute|minutes|hour|hours|day|days)\)|cron\([^()]{9,100}\))\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchedulePattern();

    [GeneratedRegex(@"^o-[a-z0-9]{10,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex OrganizationIdPattern();

    [GeneratedRegex(@"^(?:ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})\z", RegexOptions.CultureInvariant)]
    private static partial Regex OrganizationTargetPattern();

    [GeneratedRegex(@"^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-[0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{3,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DocumentName();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{3,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TableName();

    [GeneratedRegex(@"^[A-Za-z0-9._/#:-]{1,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex MetricsNamespaceName();

    [GeneratedRegex(@"^[0-9]{12}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AccountId();

    [GeneratedRegex(@"^[A-Za-z0-9+=,.@_-]{1,48}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoleName();
}
