using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Constructs;

namespace Infra.Constructs;

/// <summary>
/// Alarms when the safe capacity has in-service instances but none of them reports itself safe. Each instance's
/// heartbeat (hostscripts/safe-capacity-boot.sh) puts SafeInstances = 1 every minute while it is marked
/// dns.local-resolver=none and resolv-fix.sh check still passes, 0 otherwise. A group scaled to zero is not an
/// alarm: ECS managed scaling empties it when no task needs it.
/// </summary>
public sealed class SafeCapacityAlarm : Construct
{
    /// <summary>In-service instances present, none safe: 1. The heartbeat's absence counts as "not safe" (FILL).</summary>
    public const string Expression = "IF(inService >= 1 AND FILL(safe, 0) < 1, 1, 0)";

    public static readonly Duration Period = Duration.Minutes(5);

    /// <summary>Three periods: a new instance needs a few minutes to boot, fix, mark and report.</summary>
    public const int EvaluationPeriods = 3;

    public Alarm Alarm { get; }

    public SafeCapacityAlarm(Construct scope, string id, SafeCapacityAlarmProps props) : base(scope, id)
    {
        var safe = new Metric(new MetricProps
        {
            Namespace = SafeCapacityMetrics.Namespace,
            MetricName = SafeCapacityMetrics.SafeInstances,
            DimensionsMap = new Dictionary<string, string>
            {
                ["ClusterName"] = props.ClusterName,
                ["CapacityProvider"] = props.CapacityProviderName,
            },
            Statistic = Stats.MAXIMUM,
            Period = Period,
        });
        var inService = new Metric(new MetricProps
        {
            Namespace = "AWS/AutoScaling",
            MetricName = "GroupInServiceInstances",
            DimensionsMap = new Dictionary<string, string> { ["AutoScalingGroupName"] = props.AutoScalingGroup.AutoScalingGroupName },
            Statistic = Stats.MAXIMUM,
            Period = Period,
        });

        Alarm = new Alarm(this, "Alarm", new AlarmProps
        {
            AlarmName = props.AlarmName,
            AlarmDescription = $"Safe capacity {props.CapacityProviderName} of cluster {props.ClusterName} has in-service instances but none marked dns.local-resolver=none and still healthy: awsvpc tasks with EFS volumes cannot be placed. See /var/log/ecs-dns-safe-capacity.log on the instances.",
            Metric = new MathExpression(new MathExpressionProps
            {
                Expression = Expression,
                UsingMetrics = new Dictionary<string, IMetric> { ["safe"] = safe, ["inService"] = inService },
                Label = "in-service safe capacity without a safe instance",
                Period = Period,
            }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = EvaluationPeriods,
            DatapointsToAlarm = EvaluationPeriods,
            // No data at all means the group's metrics or the heartbeats stopped: nobody can say the capacity is safe.
            TreatMissingData = TreatMissingData.BREACHING,
        });
    }
}
