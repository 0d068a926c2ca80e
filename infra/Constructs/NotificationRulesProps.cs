namespace Infra.Constructs;

public sealed record NotificationRulesProps
{
    public required Notifications Notifications { get; init; }

    /// <summary>The runbook whose failed, timed-out or cancelled executions are reported.</summary>
    public required string RunbookName { get; init; }

}
