using System.Text.RegularExpressions;

namespace Remediation.Contracts;

/// <summary>
/// One member account's own mode and reschedule at organization scale, as text: ACCOUNT:observe|remediate:on|off.
/// The CDK app writes the items (from cdk.json), the hub's function reads them (<see cref="RemediatorEnvironment.AccountSettings"/>).
/// </summary>
public sealed partial record AccountSettingItem(string Account, RemediationMode Mode, bool Reschedule)
{
    public const string On = "on";

    public const string Off = "off";

    public override string ToString() => $"{Account}:{RemediationModes.Text(Mode)}:{(Reschedule ? On : Off)}";

    /// <summary>The item <paramref name="text"/> stands for, or null when it is not one.</summary>
    public static AccountSettingItem? Parse(string text)
    {
        var match = Item().Match(text);
        if (!match.Success) return null;
        return new AccountSettingItem(match.Groups["account"].Value, RemediationModes.Parse(match.Groups["mode"].Value)!.Value, match.Groups["reschedule"].Value == On);
    }

    [GeneratedRegex("^(?<account>[0-9]{12}):(?<mode>" + RemediationModes.Observe + "|" + RemediationModes.Remediate + "):(?<reschedule>" + On + "|" + Off + @")\z", RegexOptions.CultureInvariant)]
    private static partial Regex Item();
}
