using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Constructs;
using Infra.Documents;

namespace Infra.Constructs;

/// <summary>
/// What EventBridge reports to the notification topic, each with a message that says where to look: runbook
/// executions that did not succeed, container instances the proactive association found non-compliant, and the
/// safe capacity's alarm going to ALARM.
/// </summary>
public sealed class NotificationRules : Construct
{
    public Rule AutomationFailed { get; }

    public Rule NonCompliant { get; }

    /// <summary>Null without safe capacity.</summary>
    public Rule? SafeCapacityAlarm { get; }

    public NotificationRules(Construct scope, string id, NotificationRulesProps props) : base(scope, id)
    {
        AutomationFailed = ToTopic(props, "AutomationFailed",
            "Remediation runbook executions that failed or timed out: to the notification topic",
            AutomationFailedPattern(props.RunbookName),
            $"ECS DNS remediation: runbook execution {EventField.FromPath("$.detail.ExecutionId")} of {props.RunbookName} ended {EventField.FromPath("$.detail.Status")}. See Systems Manager > Automation.");

        NonCompliant = ToTopic(props, "NonCompliant",
            "Container instances that the proactive resolv-fix association found at risk (non-compliant): to the notification topic",
            new EventPattern
            {
                Source = ["aws.ssm"],
                DetailType = ["Configuration Compliance State Change"],
                Detail = new Dictionary<string, object>
                {
                    ["compliance-type"] = new[] { "Association" },
                    ["compliance-status"] = new[] { "non_compliant" },
                    ["resource-type"] = new[] { "managed-instance" },
                },
            },
            $"ECS DNS remediation: container instance {EventField.FromPath("$.detail.resource-id")} is non-compliant with a State Manager association (the resolv-fix check reports it at risk, or the run failed). Systems Manager > Compliance lists the association and its output.");

        if (props.SafeCapacityAlarmNames.Count > 0)
        {
            SafeCapacityAlarm = ToTopic(props, "SafeCapacityAlarm",
                "The safe capacity has in-service instances but none safe (its alarm went to ALARM): to the notification topic",
                SafeCapacityAlarmPattern(props.SafeCapacityAlarmNames),
                $"ECS DNS remediation: alarm {EventField.FromPath("$.detail.alarmName")} is in ALARM: awsvpc tasks with EFS volumes cannot be placed on the safe capacity. CloudWatch > Alarms has its history; see /var/log/ecs-dns-safe-capacity.log on its instances.");
        }
    }

    /// <summary>Failed, timed-out or cancelled executions of <paramref name="runbookName"/>.</summary>
    public static EventPattern AutomationFailedPattern(string runbookName) => new()
    {
        Source = ["aws.ssm"],
        DetailType = ["EC2 Automation Execution Status-change Notification"],
        Detail = new Dictionary<string, object>
        {
            ["Definition"] = new[] { runbookName },
            ["Status"] = new[] { "Failed", "TimedOut", "Cancelled" },
        },
    };

    /// <summary>
    /// Steps of <paramref name="runbookName"/> that published a notification (the runbook's Notify* steps) and
    /// succeeded. Some end an execution that succeeds, which <see cref="AutomationFailedPattern"/> does not see.
    /// Event shape: Systems Manager user guide, "Amazon EventBridge event examples for Systems Manager".
    /// </summary>
    public static EventPattern RunbookNotifiedPattern(string runbookName) => new()
    {
        Source = ["aws.ssm"],
        DetailType = ["EC2 Automation Step Status-change Notification"],
        Detail = new Dictionary<string, object>
        {
            ["Definition"] = new[] { runbookName },
            ["StepName"] = new object[] { new Dictionary<string, object> { ["prefix"] = RemediationRunbook.NotifyStepPrefix } },
            ["Status"] = new[] { "Success" },
        },
    };

    /// <summary>One of the named alarms of this account and Region entering ALARM (not OK or INSUFFICIENT_DATA).</summary>
    public static EventPattern SafeCapacityAlarmPattern(IReadOnlyList<string> alarmNames) => new()
    {
        Source = ["aws.cloudwatch"],
        DetailType = ["CloudWatch Alarm State Change"],
        Detail = new Dictionary<string, object>
        {
            ["alarmName"] = alarmNames.ToArray(),
            ["state"] = new Dictionary<string, object> { ["value"] = new[] { "ALARM" } },
        },
    };

    Rule ToTopic(NotificationRulesProps props, string id, string description, EventPattern pattern, string message) =>
        new(this, id, new RuleProps
        {
            Description = description,
            EventPattern = pattern,
            Targets = [new SnsTopic(props.Notifications.Topic, new SnsTopicProps { Message = RuleTargetInput.FromText(message) })],
        });
}
