namespace Infra.Constructs;

public sealed record NotificationRulesProps
{
    public required Notifications Notifications { get; init; }

    /// <summary>The runbook whose failed, timed-out or cancelled executions are reported.</summary>
    public required string RunbookName { get; init; }

    /// <summary>
    /// The safe capacity's no-safe-instance alarms, by name (none without safe capacity): they live in the capacity
    /// stack, which cannot name this stack's topic (this stack depends on it), and a name needs no export.
    /// </summary>
    public required IReadOnlyList<string> SafeCapacityAlarmNames { get; init; }
}
