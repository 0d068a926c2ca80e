using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Constructs;

namespace Infra.Constructs;

/// <summary>
/// Detection: ECS tasks that stopped with a reason that may be a failed EFS mount go to the Remediator, with
/// EventBridge's retries and the function's failure queue as dead letter.
/// </summary>
public sealed class TaskStoppedRule : Construct
{
    /// <summary>
    /// Reasons that may be a failed EFS mount: a "*piece*" wildcard for each piece of text that every candidate holds
    /// (Remediation.Contracts.CandidateMarkers: Docker's volume plugin calls, the ECS volume plugin's socket and
    /// mount root, the "Failed to resolve" forms of mount.nfs4 and efs-utils, also Fargate's). The Remediator tells
    /// the ECS volume plugin from other plugins; evidence on the container instance decides. EventBridge wildcards are
    /// case-sensitive, like the text they match.
    /// </summary>
    public static readonly string[] FailureWildcards = [.. CandidateMarkers.All.Select(piece => $"*{piece}*")];

    public Rule Rule { get; }

    public TaskStoppedRule(Construct scope, string id, TaskStoppedRuleProps props) : base(scope, id)
    {
        Rule = new Rule(this, "Rule", new RuleProps
        {
            Description = "ECS tasks stopped with a DNS resolution failure (awsvpc + EFS behind a local resolver): to the Remediator",
            EventPattern = Pattern(),
            Targets =
            [
                new LambdaFunction(props.Remediator.Function, new LambdaFunctionProps
                {
                    DeadLetterQueue = props.Remediator.FailureQueue,
                    RetryAttempts = 8,
                    MaxEventAge = Duration.Hours(6),
                }),
            ],
        });
    }

    /// <summary>STOPPED ECS tasks whose stoppedReason or any container reason may be a failed EFS mount.</summary>
    public static EventPattern Pattern()
    {
        static object[] Reasons() => FailureWildcards.Select(w => (object)new Dictionary<string, object> { ["wildcard"] = w }).ToArray();
        return new EventPattern
        {
            Source = ["aws.ecs"],
            DetailType = ["ECS Task State Change"],
            Detail = new Dictionary<string, object>
            {
                ["lastStatus"] = new[] { "STOPPED" },
                ["$or"] = new object[]
                {
                    new Dictionary<string, object> { ["stoppedReason"] = Reasons() },
                    new Dictionary<string, object> { ["containers"] = new Dictionary<string, object> { ["reason"] = Reasons() } },
                },
            },
        };
    }
}
