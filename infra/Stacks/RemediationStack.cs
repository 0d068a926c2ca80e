using Amazon.CDK;
using Constructs;
using Infra.Configuration;
using Infra.Constructs;
using Remediation.Contracts;

namespace Infra.Stacks;

/// <summary>
/// Detection and remediation: the rule that sends stopped tasks to the Remediator function, the Command documents
/// and the runbook it starts, the proactive association, and what tells operators: the topic, the rules that
/// report to it, the alarms and the dashboard. Each part is a construct; this stack wires them and names the
/// outputs operators use.
/// </summary>
public sealed class RemediationStack : Stack
{
    public CommandDocuments Documents { get; }

    public Runbook Runbook { get; }

    public RemediatorFunction Remediator { get; }

    public Notifications Notifications { get; }

    public RemediationStack(Construct scope, string id, RemediationStackProps props) : base(scope, id, props.StackProps)
    {
        var config = props.Config;

        Notifications = new Notifications(this, "Notifications", new NotificationsProps { Email = config.NotificationEmail });

        Documents = new CommandDocuments(this, "Documents", new CommandDocumentsProps
        {
            NamePrefix = StackName,
            ResolvFix = props.ResolvFix,
            DiagnoseTaskNetns = props.DiagnoseTaskNetns,
            EfsEvidence = props.EfsEvidence,
            VpcResolver = config.VpcResolver,
        });

        Runbook = new Runbook(this, "Runbook", new RunbookProps
        {
            NamePrefix = StackName,
            Documents = Documents,
            NotificationTopic = Notifications.Topic,
            NotificationTopicKey = Notifications.Key,
            VpcResolver = config.VpcResolver,
            SafeCapacityProviderName = config.SafeCapacityProviderName,
            TaskSubnetIds = props.TaskSubnetIds,
            TaskSecurityGroupIds = props.TaskSecurityGroupIds,
            AllowedClusters = config.AllowedClusters,
            TaskDefinitionFamilies = config.TaskDefinitionFamilies,
            TaskRoleArns = config.TaskRoleArns,
        });

        Remediator = new RemediatorFunction(this, "Remediator", new RemediatorFunctionProps
        {
            Code = props.RemediatorCode,
            Settings = RemediatorSettings(config, SafeCapacityClusterArns(config)),
            Runbook = Runbook,
            ReservedConcurrency = config.ReservedConcurrency,
        });

        _ = new TaskStoppedRule(this, "TaskStopped", new TaskStoppedRuleProps { Remediator = Remediator });

        var association = new ProactiveAssociation(this, "Proactive", new ProactiveAssociationProps
        {
            NamePrefix = StackName,
            ResolvFix = Documents.ResolvFix,
            Action = config.ProactiveAction,
            VpcResolver = config.VpcResolver,
            Schedule = config.ProactiveSchedule,
            Clusters = props.TargetClusters,
        });

        var rules = new NotificationRules(this, "NotificationRules", new NotificationRulesProps
        {
            Notifications = Notifications,
            RunbookName = Runbook.Name,
            SafeCapacityAlarmNames = props.SafeCapacityAlarmNames,
        });

        var monitoring = new RemediationMonitoring(this, "Monitoring", new RemediationMonitoringProps
        {
            Notifications = Notifications,
            Remediator = Remediator,
            MetricsNamespace = RemediatorMetrics.DefaultNamespace,
            AutomationFailedRule = rules.AutomationFailed,
            NonCompliantRule = rules.NonCompliant,
            DashboardName = StackName,
        });

        var outcomeQuery = new OutcomeQuery(this, "OutcomeQuery", new OutcomeQueryProps
        {
            Name = $"{StackName}/remediations-by-instance",
            LogGroupName = Remediator.LogGroup.LogGroupName,
        });

        _ = new CfnOutput(this, "RunbookNameOutput", new CfnOutputProps { Key = "RunbookName", Value = Runbook.Name });
        _ = new CfnOutput(this, "ResolvFixDocumentOutput", new CfnOutputProps { Key = "ResolvFixDocumentName", Value = Documents.ResolvFixName });
        _ = new CfnOutput(this, "DiagnoseDocumentOutput", new CfnOutputProps { Key = "DiagnoseDocumentName", Value = Documents.DiagnoseTaskNetnsName });
        _ = new CfnOutput(this, "EfsEvidenceDocumentOutput", new CfnOutputProps { Key = "EfsEvidenceDocumentName", Value = Documents.EfsEvidenceName });
        _ = new CfnOutput(this, "RunbookRoleOutput", new CfnOutputProps { Key = "RunbookRoleArn", Value = Runbook.Role.RoleArn });
        _ = new CfnOutput(this, "TopicOutput", new CfnOutputProps { Key = "TopicArn", Value = Notifications.Topic.TopicArn });
        _ = new CfnOutput(this, "FunctionOutput", new CfnOutputProps { Key = "FunctionName", Value = Remediator.Function.FunctionName });
        _ = new CfnOutput(this, "FunctionLogGroupOutput", new CfnOutputProps { Key = "FunctionLogGroup", Value = Remediator.LogGroup.LogGroupName });
        _ = new CfnOutput(this, "OutcomeQueryOutput", new CfnOutputProps { Key = "OutcomeQueryName", Value = outcomeQuery.Definition.Name });
        _ = new CfnOutput(this, "NotificationsAlarmOutput", new CfnOutputProps { Key = "NotificationsAlarmName", Value = monitoring.NotificationsAlarm.AlarmName });
        _ = new CfnOutput(this, "FailureQueueOutput", new CfnOutputProps { Key = "FailureQueueUrl", Value = Remediator.FailureQueue.QueueUrl });
        // Ref is the association id (its primary identifier); moto's CloudFormation cannot Fn::GetAtt it.
        _ = new CfnOutput(this, "AssociationOutput", new CfnOutputProps { Key = "AssociationId", Value = association.Association.Ref });
        // For your own launch templates' user data (hostscripts/user-data.sh): where the boot fix comes from, and its hash.
        var resolvFixScript = new ResolvFixScript(this, "ResolvFixScript", props.ResolvFix);
        _ = new CfnOutput(this, "ResolvFixScriptUrlOutput", new CfnOutputProps { Key = "ResolvFixScriptUrl", Value = resolvFixScript.Asset.S3ObjectUrl });
        _ = new CfnOutput(this, "ResolvFixScriptSha256Output", new CfnOutputProps { Key = "ResolvFixScriptSha256", Value = resolvFixScript.Sha256 });
    }

    /// <summary>
    /// The clusters the capacity stack associates a safe capacity provider with, as ARNs: a member account's cluster of
    /// the same name is not one of them.
    /// </summary>
    IReadOnlyList<string> SafeCapacityClusterArns(RemediationConfig config) =>
        config.SafeCapacityClusters
            .Select(c => FormatArn(new ArnComponents { Service = "ecs", Resource = "cluster", ResourceName = c.Name }))
            .ToArray();

    /// <summary>
    /// The function's settings from the configuration, and what only the deployed stack knows: its own account and
    /// Region (Lambda sets no variable with the account), and the clusters the safe capacity serves. Without safe
    /// capacity the function does not reschedule: no provider exists to take the task.
    /// </summary>
    static Dictionary<string, string> RemediatorSettings(RemediationConfig config, IReadOnlyList<string> safeCapacityClusterArns)
    {
        var settings = new Dictionary<string, string>(config.FunctionEnvironment())
        {
            [RemediatorEnvironment.Account] = Aws.ACCOUNT_ID,
            [RemediatorEnvironment.Region] = Aws.REGION,
            [RemediatorEnvironment.Reschedule] = config.Reschedules ? "true" : "false",
        };
        if (safeCapacityClusterArns.Count > 0)
            settings[RemediatorEnvironment.SafeCapacityClusters] = Fn.Join(",", safeCapacityClusterArns.ToArray());
        return settings;
    }
}
