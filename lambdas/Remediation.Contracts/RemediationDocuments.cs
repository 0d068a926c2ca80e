namespace Remediation.Contracts;

/// <summary>
/// The SSM documents' names: the remediation stack names each after itself, so two deployments in one account
/// and Region do not collide. The function learns the runbook's name from its environment; the CLI defaults to
/// the default deployment's.
/// </summary>
public static class RemediationDocuments
{
    /// <summary>The remediation stack's name in the default deployment.</summary>
    public const string DefaultStackName = "EcsDnsRemediation";

    const string ResolvFixSuffix = "-ResolvFix";
    const string DiagnoseSuffix = "-DiagnoseTaskNetns";
    const string EfsEvidenceSuffix = "-EfsEvidence";
    const string RunbookSuffix = "-Remediate";

    /// <summary>The resolv-fix Command document (hostscripts/resolv-fix.sh).</summary>
    public static string ResolvFix(string stackName) => stackName + ResolvFixSuffix;

    /// <summary>The diagnose Command document (hostscripts/diagnose-task-netns.sh).</summary>
    public static string Diagnose(string stackName) => stackName + DiagnoseSuffix;

    /// <summary>The read-only EFS evidence Command document (hostscripts/efs-evidence.sh).</summary>
    public static string EfsEvidence(string stackName) => stackName + EfsEvidenceSuffix;

    /// <summary>The Automation runbook the function starts.</summary>
    public static string Runbook(string stackName) => stackName + RunbookSuffix;

    public const string DefaultResolvFix = DefaultStackName + ResolvFixSuffix;

    /// <summary>
    /// The organization's member part (a StackSet) names its documents and access role with this fixed prefix:
    /// StackSet stack names are not fixed, and the hub and the CLI must know the names in every member account.
    /// </summary>
    public const string MemberPrefix = "EcsDnsRemediationMember";

    public const string MemberResolvFix = MemberPrefix + ResolvFixSuffix;

    public const string MemberDiagnose = MemberPrefix + DiagnoseSuffix;

    public const string MemberEfsEvidence = MemberPrefix + EfsEvidenceSuffix;

    public const string MemberRunbook = MemberPrefix + RunbookSuffix;

    /// <summary>The member access role's name before its -REGION suffix (IAM names are global in an account).</summary>
    public const string MemberAccessRolePrefix = MemberPrefix;

    /// <summary>The member access role in <paramref name="region"/>: one per Region, as the StackSet deploys one stack per Region.</summary>
    public static string MemberAccessRole(string rolePrefix, string region) => rolePrefix + "-" + region;

    /// <summary>
    /// The member runbook's role in <paramref name="region"/>: a fixed name, so that every Region's access role may
    /// pass any Region's runbook role (one hub session per account). Not under <see cref="MemberAccessRolePrefix"/>-,
    /// which the hub may assume.
    /// </summary>
    public static string MemberRunbookRole(string region) => MemberPrefix + "Runbook-" + region;

    /// <summary>Every Region's <see cref="MemberRunbookRole"/>, as an IAM resource name pattern.</summary>
    public const string MemberRunbookRolePattern = MemberPrefix + "Runbook-*";
}
