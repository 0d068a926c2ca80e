using Remediation.Contracts;
using Remediator.Planning;
using static Remediator.Planning.SettingValues;

namespace Remediator.Acting;

/// <summary>
/// The act step's configuration (<see cref="RemediatorEnvironment"/>), read once at start-up like
/// <see cref="RemediatorSettings"/>: a bad value is a <see cref="SettingsException"/> naming the variable.
/// </summary>
public sealed record ActuatorSettings
{
    /// <summary>The SSM Automation runbook (document) started for each remediate plan.</summary>
    public required string RunbookName { get; init; }

    /// <summary>Passed as AutomationAssumeRole; null leaves the runbook's own default role.</summary>
    public string? AutomationRoleArn { get; init; }

    /// <summary>The DynamoDB table of idempotency claims.</summary>
    public required string ClaimsTable { get; init; }

    /// <summary>One host fix per container instance within this window.</summary>
    public TimeSpan HostFixWindow { get; init; } = TimeSpan.FromMinutes(Settings.HostFixWindowMinutes.DefaultNumber);

    public string MetricsNamespace { get; init; } = Settings.MetricsNamespace.Default;

    /// <summary>Attempts of one StartAutomationExecution within an invocation (AWS_MAX_ATTEMPTS, see <see cref="AwsClients"/>).</summary>
    public int StartAttempts { get; init; } = AwsClients.DefaultMaxAttempts;

    /// <summary>Reads the settings through <paramref name="lookup"/>; null or blank means "use the default".</summary>
    public static ActuatorSettings From(Func<string, string?> lookup) => new()
    {
        RunbookName = ReadRequired(lookup, Settings.RunbookName),
        AutomationRoleArn = ReadOptional(lookup, Settings.AutomationRoleArn),
        ClaimsTable = ReadRequired(lookup, Settings.ClaimsTable),
        HostFixWindow = TimeSpan.FromMinutes(Setting.Number(Read(lookup, Settings.HostFixWindowMinutes))),
        MetricsNamespace = Read(lookup, Settings.MetricsNamespace),
        StartAttempts = AwsClients.MaxAttempts(lookup),
    };
}
