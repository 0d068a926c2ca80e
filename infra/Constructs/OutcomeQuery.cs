using Amazon.CDK.AWS.Logs;
using Constructs;

namespace Infra.Constructs;

/// <summary>
/// A saved CloudWatch Logs Insights query over the Remediator's outcome lines (one JSON object per event, written by
/// its JsonLineReporter): every remediate plan, per cluster and container instance, with what came of it. In observe
/// mode each is "skipped": what the Remediator would have done; in remediate mode, what it did. Logs Insights names
/// nested JSON fields with dots and array items by index ("Supported logs and discovered fields", Amazon CloudWatch
/// Logs User Guide), and a remediate plan's first action is always the host fix, which names the instance.
/// </summary>
public sealed class OutcomeQuery : Construct
{
    public const string QueryString =
        "fields plan.actions.0.clusterArn as cluster, plan.actions.0.containerInstanceArn as containerInstance\n" +
        "| filter plan.decision = \"remediate\"\n" +
        "| stats count(*) as events, latest(plan.reason) as lastPlan, latest(detail) as lastDetail, max(@timestamp) as lastSeen by cluster, containerInstance, outcome\n" +
        "| sort events desc";

    public CfnQueryDefinition Definition { get; }

    public OutcomeQuery(Construct scope, string id, OutcomeQueryProps props) : base(scope, id)
    {
        Definition = new CfnQueryDefinition(this, "Definition", new CfnQueryDefinitionProps
        {
            Name = props.Name,
            QueryString = QueryString,
            LogGroupNames = [props.LogGroupName],
        });
    }
}
