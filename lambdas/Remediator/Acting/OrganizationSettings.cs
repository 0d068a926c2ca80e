using Remediation.Contracts;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>
/// Organization scale: the hub's account and what to use in a member account. Read once at
/// start-up; absent (none of the keys set) means the single-account Remediator.
/// </summary>
public sealed record OrganizationSettings
{
    const string HubAccountKey = RemediatorEnvironment.HubAccount;
    const string MemberRoleNameKey = RemediatorEnvironment.MemberRoleName;
    const string MemberRunbookNameKey = RemediatorEnvironment.MemberRunbookName;

    /// <summary>The account the Remediator runs in: its events act through its own runbook, not a member role.</summary>
    public required string HubAccount { get; init; }

    /// <summary>
    /// The member access role's name before its region suffix: the role is NAME-REGION in each member account,
    /// because IAM names are global in an account and the StackSet deploys one stack per region.
    /// </summary>
    public required string MemberRoleName { get; init; }

    /// <summary>The runbook the member part deploys (a fixed name: StackSet stack names are not).</summary>
    public required string MemberRunbookName { get; init; }

    /// <summary>The role to assume for <paramref name="scope"/>.</summary>
    public string MemberRoleArn(AccountScope scope) => MemberRoleArn(MemberRoleName, scope);

    /// <summary>The access role <paramref name="roleName"/>-REGION of <paramref name="scope"/> (the CLI names the role itself).</summary>
    public static string MemberRoleArn(string roleName, AccountScope scope) =>
        $"arn:{scope.Partition}:iam::{scope.Account}:role/{RemediationDocuments.MemberAccessRole(roleName, scope.Region)}";

    /// <summary>Whether <paramref name="roleName"/> can carry a region suffix within IAM's 64 characters.</summary>
    public static bool IsMemberRoleName(string roleName) => Settings.MemberRoleName.Rule.Accepts(roleName);

    /// <summary>Reads the settings; null when none of the keys is set, an error when only some are.</summary>
    public static OrganizationSettings? From(Func<string, string?> lookup)
    {
        string? Get(string key) => SettingValues.Get(lookup, key);
        var hub = Get(HubAccountKey);
        var role = Get(MemberRoleNameKey);
        var runbook = Get(MemberRunbookNameKey);
        if (hub is null && role is null && runbook is null) return null;

        return new OrganizationSettings
        {
            HubAccount = SettingValues.ReadRequired(lookup, Settings.HubAccount),
            MemberRoleName = SettingValues.ReadRequired(lookup, Settings.MemberRoleName),
            MemberRunbookName = SettingValues.ReadRequired(lookup, Settings.MemberRunbookName),
        };
    }
}
