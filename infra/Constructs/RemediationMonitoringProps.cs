using Amazon.CDK.AWS.Events;

namespace Infra.Constructs;

public sealed record RemediationMonitoringProps
{
    /// <summary>Where every alarm sends its ALARM action.</summary>
    public required Notifications Notifications { get; init; }

    public required RemediatorFunction Remediator { get; init; }

    /// <summary>The namespace the Remediator's metrics go to (its REMEDIATOR_METRICS_NAMESPACE).</summary>
    public required string MetricsNamespace { get; init; }

    /// <summary>Alarmed on its matches: runbook executions that did not succeed.</summary>
    public required Rule AutomationFailedRule { get; init; }

    /// <summary>Alarmed on its matches: container instances found non-compliant.</summary>
    public required Rule NonCompliantRule { get; init; }

    public required string DashboardName { get; init; }
}
