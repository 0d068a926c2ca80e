namespace Remediation.Contracts;

/// <summary>
/// The Remediator function's environment variables: the CDK app sets them, the function reads them at start-up,
/// and the CLI's --config file uses the same keys. The defaults apply when a variable is unset or blank.
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

    public const int DefaultMaxAttempts = 3;

    public const int MaxMaxAttempts = 10;

    public const int DefaultHostFixWindowMinutes = 15;

    public const int MaxHostFixWindowMinutes = 1440;
}
