using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.Events;
using Constructs;
using Remediation.Contracts;

namespace Infra.Constructs;

/// <summary>
/// The alarms, each of which notifies the topic on its first breach, and the dashboard: events by outcome,
/// remediations, skips by cause, failures. The Remediator's own metrics are those its EMF reporter emits
/// (<see cref="RemediatorMetrics"/>).
/// </summary>
public sealed class RemediationMonitoring : Construct
{
    static readonly Duration FiveMinutes = Duration.Minutes(5);

    readonly string metricsNamespace;

    /// <summary>The alarm on the Remediator's notify decisions; the sandbox self-check sets it once.</summary>
    public Alarm NotificationsAlarm { get; }

    public RemediationMonitoring(Construct scope, string id, RemediationMonitoringProps props) : base(scope, id)
    {
        metricsNamespace = props.MetricsNamespace;
        var remediator = props.Remediator;
        var action = new SnsAction(props.Notifications.Topic);
        Alarm Alarm(string alarmId, string description, IMetric metric)
        {
            var alarm = new Alarm(this, alarmId, new AlarmProps
            {
                AlarmDescription = description,
                Metric = metric,
                Threshold = 0,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
                EvaluationPeriods = 1,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            });
            alarm.AddAlarmAction(action);
            return alarm;
        }

        _ = Alarm("FailureQueueAlarm", "Events the Remediator could not handle are waiting in the failure queue: inspect and redrive them.",
            remediator.FailureQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = FiveMinutes, Statistic = "Maximum" }));
        _ = Alarm("FunctionErrorsAlarm", "The Remediator function failed (it will retry, then keep the event in the failure queue).",
            remediator.Function.MetricErrors(new MetricOptions { Period = FiveMinutes, Statistic = "Sum" }));
        NotificationsAlarm = Alarm("NotificationsAlarm", "The Remediator decided to notify: a failure it must not or cannot fix (Fargate, bridge or host mode, attempt limit).",
            RemediatorMetric(RemediatorMetrics.Notifications));
        _ = Alarm("AutomationFailedAlarm", "A remediation runbook execution failed, timed out or was cancelled.", RuleMatches(props.AutomationFailedRule));
        _ = Alarm("NonCompliantAlarm", "The proactive association found container instances at risk (non-compliant).", RuleMatches(props.NonCompliantRule));

        CreateDashboard(props);
    }

    Metric RemediatorMetric(string name, Dictionary<string, string>? dimensions = null, string? label = null) => new(new MetricProps
    {
        Namespace = metricsNamespace,
        MetricName = name,
        DimensionsMap = dimensions,
        Statistic = "Sum",
        Period = FiveMinutes,
        Label = label,
    });

    Metric Outcome(string outcome) =>
        RemediatorMetric(RemediatorMetrics.Events, new Dictionary<string, string> { [RemediatorMetrics.OutcomeDimension] = outcome }, outcome);

    static Metric RuleMatches(Rule rule) => new(new MetricProps
    {
        Namespace = "AWS/Events",
        MetricName = "TriggeredRules",
        DimensionsMap = new Dictionary<string, string> { ["RuleName"] = rule.RuleName },
        Statistic = "Sum",
        Period = FiveMinutes,
    });

    void CreateDashboard(RemediationMonitoringProps props)
    {
        var remediator = props.Remediator;
        var dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DashboardName = props.DashboardName });
        dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Events by outcome",
                Left = [RemediatorMetric(RemediatorMetrics.Events, label: "events seen"), Outcome(RemediatorMetrics.Acted), Outcome(RemediatorMetrics.Skipped), Outcome(RemediatorMetrics.Failed)],
                Width = 12,
            }),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Remediations",
                Left =
                [
                    RemediatorMetric(RemediatorMetrics.HostFixes, label: "host fixes"),
                    RemediatorMetric(RemediatorMetrics.Reschedules, label: "reschedules"),
                    RemediatorMetric(RemediatorMetrics.Notifications, label: "notifications"),
                ],
                Width = 12,
            }));
        dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Skips by cause",
                Left =
                [
                    new MathExpression(new MathExpressionProps
                    {
                        Expression = $"SEARCH('{{{metricsNamespace},{RemediatorMetrics.CauseDimension},{RemediatorMetrics.OutcomeDimension}}} MetricName=\"{RemediatorMetrics.Events}\" {RemediatorMetrics.OutcomeDimension}=\"{RemediatorMetrics.Skipped}\"', 'Sum', 300)",
                        Label = "",
                        Period = FiveMinutes,
                    }),
                ],
                Width = 12,
            }),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Failures",
                Left =
                [
                    Outcome(RemediatorMetrics.Failed),
                    remediator.Function.MetricErrors(new MetricOptions { Label = "function errors", Statistic = "Sum" }),
                    remediator.FailureQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Label = "failure queue", Statistic = "Maximum" }),
                ],
                Width = 12,
            }));
    }
}
