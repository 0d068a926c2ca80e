namespace Remediation.Contracts;

/// <summary>The Automation runbook's parameters: the function binds a plan to them, the CDK app declares them.</summary>
public static class RunbookParameterNames
{
    public const string AutomationAssumeRole = "AutomationAssumeRole";
    public const string ClusterArn = "ClusterArn";
    public const string ContainerInstanceArn = "ContainerInstanceArn";
    public const string FixHost = "FixHost";
    public const string Resolver = "Resolver";
    public const string VerifyHost = "VerifyHost";
    public const string Reschedule = "Reschedule";
    public const string TaskDefinitionArn = "TaskDefinitionArn";
    public const string Group = "Group";
    public const string StartedBy = "StartedBy";
    public const string CapacityProvider = "CapacityProvider";
    public const string Subnets = "Subnets";
    public const string SecurityGroups = "SecurityGroups";
    public const string ContainerOverrides = "ContainerOverrides";
    public const string NotificationTopicArn = "NotificationTopicArn";
}

/// <summary>The text of a yes/no parameter of the SSM documents (FixHost, Reschedule, DryRun, Json).</summary>
public static class YesNo
{
    public const string Yes = "yes";

    public const string No = "no";

    public static string Text(bool value) => value ? Yes : No;
}

/// <summary>The resolv-fix Command document's parameters and its Action values.</summary>
public static class ResolvFixParameterNames
{
    public const string Action = "Action";
    public const string Resolver = "Resolver";
    public const string VerifyHost = "VerifyHost";
    public const string DryRun = "DryRun";

    public const string Check = "check";
    public const string Fix = "fix";
    public const string Rollback = "rollback";
}

/// <summary>The EFS evidence Command document's parameters.</summary>
public static class EfsEvidenceParameterNames
{
    public const string Resolver = "Resolver";
    public const string VerifyHost = "VerifyHost";
    public const string FileSystemIds = "FileSystemIds";
    public const string Region = "Region";
}
