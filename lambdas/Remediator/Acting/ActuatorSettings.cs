using System.Globalization;
using System.Text.RegularExpressions;
using Remediation.Contracts;
using Remediator.Planning;
using static Remediator.Planning.SettingValues;

namespace Remediator.Acting;

/// <summary>
/// The act step's configuration (<see cref="RemediatorEnvironment"/>), read once at start-up like
/// <see cref="RemediatorSettings"/>: a bad value is a <see cref="SettingsException"/> naming the variable.
/// </summary>
public sealed partial record ActuatorSettings
{
    const string RunbookNameKey = RemediatorEnvironment.RunbookName;
    const string AutomationRoleArnKey = RemediatorEnvironment.AutomationRoleArn;
    const string ClaimsTableKey = RemediatorEnvironment.ClaimsTable;
    const string HostFixWindowMinutesKey = RemediatorEnvironment.HostFixWindowMinutes;
    const string MetricsNamespaceKey = RemediatorEnvironment.MetricsNamespace;

    public static readonly IReadOnlyList<string> Keys =
        [RunbookNameKey, AutomationRoleArnKey, ClaimsTableKey, HostFixWindowMinutesKey, MetricsNamespaceKey];

    /// <summary>The SSM Automation runbook (document) started for each remediate plan.</summary>
    public required string RunbookName { get; init; }

    /// <summary>Passed as AutomationAssumeRole; null leaves the runbook's own default role.</summary>
    public string? AutomationRoleArn { get; init; }

    /// <summary>The DynamoDB table of idempotency claims.</summary>
    public required string ClaimsTable { get; init; }

    /// <summary>One host fix per container instance within this window.</summary>
    public TimeSpan HostFixWindow { get; init; } = TimeSpan.FromMinutes(RemediatorEnvironment.DefaultHostFixWindowMinutes);

    public string MetricsNamespace { get; init; } = RemediatorMetrics.DefaultNamespace;

    /// <summary>Reads the settings through <paramref name="lookup"/>; null or blank means "use the default".</summary>
    public static ActuatorSettings From(Func<string, string?> lookup)
    {
        string? Get(string key) => SettingValues.Get(lookup, key);

        var runbook = Get(RunbookNameKey) ?? throw Missing(RunbookNameKey, "the SSM Automation runbook name");
        if (!SettingValues.IsDocumentName(runbook))
            throw Invalid(RunbookNameKey, runbook, SettingValues.DocumentNameExpected);

        var role = Get(AutomationRoleArnKey);
        if (role is not null && !RoleArn().IsMatch(role))
            throw Invalid(AutomationRoleArnKey, role, "an IAM role ARN such as arn:aws:iam::123456789012:role/Name");

        var table = Get(ClaimsTableKey) ?? throw Missing(ClaimsTableKey, "the DynamoDB claims table name");
        if (!TableName().IsMatch(table))
            throw Invalid(ClaimsTableKey, table, "a DynamoDB table name: 3-255 letters, digits, '_', '-' or '.'");

        var window = Get(HostFixWindowMinutesKey) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= RemediatorEnvironment.MaxHostFixWindowMinutes
                ? TimeSpan.FromMinutes(minutes)
                : throw Invalid(HostFixWindowMinutesKey, text, $"a whole number of minutes from 1 to {RemediatorEnvironment.MaxHostFixWindowMinutes}")
            : TimeSpan.FromMinutes(RemediatorEnvironment.DefaultHostFixWindowMinutes);

        var ns = Get(MetricsNamespaceKey) ?? RemediatorMetrics.DefaultNamespace;
        if (!MetricsNamespaceName().IsMatch(ns) || ns.StartsWith("AWS/", StringComparison.Ordinal))
            throw Invalid(MetricsNamespaceKey, ns, "a CloudWatch namespace: 1-255 letters, digits or . - _ / # :, not starting with AWS/");

        return new ActuatorSettings
        {
            RunbookName = runbook,
            AutomationRoleArn = role,
            ClaimsTable = table,
            HostFixWindow = window,
            MetricsNamespace = ns,
        };
    }


    [GeneratedRegex(@"^arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArn();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{3,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TableName();

    [GeneratedRegex(@"^[A-Za-z0-9._/#:-]{1,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex MetricsNamespaceName();
}
