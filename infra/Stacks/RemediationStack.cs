using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Amazon.CDK.AWS.SSM;
using Constructs;
using Infra.Configuration;
using Infra.Constructs;
using Infra.Documents;

namespace Infra.Stacks;

/// <summary>
/// Detection and remediation: the EventBridge rule, the Remediator function, the SSM documents and the
/// runbook, the proactive association, and the alarms, topic and dashboard.
/// </summary>
public sealed class RemediationStack : Stack
{
    public const string MetricsNamespace = "EcsDnsRemediation";

    /// <summary>
    /// Reasons that may be a failed EFS mount: any failure of a Docker volume plugin (the ECS volume plugin runs
    /// efs-utils; since efs-utils 2.0 its wording names no lookup), and the legacy "Failed to resolve" forms of
    /// mount.nfs4 and efs-utils (also Fargate's). The Remediator tells EFS from other plugins; evidence on the
    /// container instance decides. EventBridge wildcards are case-sensitive.
    /// </summary>
    public static readonly string[] FailureWildcards = ["*VolumeDriver.Create*", "*Failed to resolve*"];

    public string ResolvFixDocumentName { get; }

    public string DiagnoseDocumentName { get; }

    public string EfsEvidenceDocumentName { get; }

    public string RunbookName { get; }

    public RemediatorFunction Remediator { get; }

    public Topic Topic { get; }

    public Role RunbookRole { get; }

    public Table ClaimsTable { get; }

    public RemediationStack(Construct scope, string id, RemediationStackProps props) : base(scope, id, props.StackProps)
    {
        var config = props.Config;
        ResolvFixDocumentName = $"{StackName}-ResolvFix";
        DiagnoseDocumentName = $"{StackName}-DiagnoseTaskNetns";
        EfsEvidenceDocumentName = $"{StackName}-EfsEvidence";
        RunbookName = $"{StackName}-Remediate";

        (Topic, var topicKey) = CreateTopic(config);

        ClaimsTable = new Table(this, "Claims", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "pk", Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            TimeToLiveAttribute = "expiresAt",
            Encryption = TableEncryption.AWS_MANAGED,
            PointInTimeRecovery = true,
            // Claims expire within a day (TTL); nothing in them outlives the stack.
            RemovalPolicy = RemovalPolicy.DESTROY,
        });

        var resolvFix = new CfnDocument(this, "ResolvFixDocument", new CfnDocumentProps
        {
            Name = ResolvFixDocumentName,
            DocumentType = "Command",
            DocumentFormat = "JSON",
            UpdateMethod = "NewVersion",
            Content = ResolvFixDocument.Content(props.ResolvFix, config.VpcResolver),
        });
        _ = new CfnDocument(this, "DiagnoseDocument", new CfnDocumentProps
        {
            Name = DiagnoseDocumentName,
            DocumentType = "Command",
            DocumentFormat = "JSON",
            UpdateMethod = "NewVersion",
            Content = DiagnoseDocument.Content(props.DiagnoseTaskNetns),
        });

        var efsEvidence = new CfnDocument(this, "EfsEvidenceDocument", new CfnDocumentProps
        {
            Name = EfsEvidenceDocumentName,
            DocumentType = "Command",
            DocumentFormat = "JSON",
            UpdateMethod = "NewVersion",
            Content = EfsEvidenceDocument.Content(props.EfsEvidence, props.ResolvFix, config.VpcResolver),
        });

        RunbookRole = CreateRunbookRole(config, topicKey);
        var runbook = new CfnDocument(this, "Runbook", new CfnDocumentProps
        {
            Name = RunbookName,
            DocumentType = "Automation",
            DocumentFormat = "JSON",
            UpdateMethod = "NewVersion",
            Content = RemediationRunbook.Content(new RunbookDefaults
            {
                AssumeRoleArn = RunbookRole.RoleArn,
                VpcResolver = config.VpcResolver,
                CapacityProvider = config.SafeCapacityProviderName,
                Subnets = props.TaskSubnetIds,
                SecurityGroups = props.TaskSecurityGroupIds,
                NotificationTopicArn = Topic.TopicArn,
                ResolvFixDocumentName = ResolvFixDocumentName,
                EfsEvidenceDocumentName = EfsEvidenceDocumentName,
            }),
        });
        runbook.AddDependency(resolvFix);
        runbook.AddDependency(efsEvidence);

        Remediator = new RemediatorFunction(this, "Remediator", new RemediatorFunctionProps
        {
            Code = props.RemediatorCode,
            Environment = RemediatorEnvironment(config, RunbookName, RunbookRole.RoleArn, ClaimsTable.TableName),
            ReservedConcurrency = config.ReservedConcurrency,
        });
        GrantRemediator(Remediator.Role);

        _ = new Rule(this, "TaskStoppedRule", new RuleProps
        {
            Description = "ECS tasks stopped with a DNS resolution failure (awsvpc + EFS behind a local resolver): to the Remediator",
            EventPattern = TaskStoppedPattern(),
            Targets =
            [
                new LambdaFunction(Remediator.Function, new LambdaFunctionProps
                {
                    DeadLetterQueue = Remediator.FailureQueue,
                    RetryAttempts = 8,
                    MaxEventAge = Duration.Hours(6),
                }),
            ],
        });

        var automationFailed = new Rule(this, "AutomationFailedRule", new RuleProps
        {
            Description = "Remediation runbook executions that failed or timed out: to the notification topic",
            EventPattern = new EventPattern
            {
                Source = ["aws.ssm"],
                DetailType = ["EC2 Automation Execution Status-change Notification"],
                Detail = new Dictionary<string, object>
                {
                    ["Definition"] = new[] { RunbookName },
                    ["Status"] = new[] { "Failed", "TimedOut", "Cancelled" },
                },
            },
            Targets =
            [
                new SnsTopic(Topic, new SnsTopicProps
                {
                    Message = RuleTargetInput.FromText(
                        $"ECS DNS remediation: runbook execution {EventField.FromPath("$.detail.ExecutionId")} of {RunbookName} ended {EventField.FromPath("$.detail.Status")}. See Systems Manager > Automation."),
                }),
            ],
        });

        var association = CreateAssociation(config, props.TargetClusters, resolvFix);
        var nonCompliant = new Rule(this, "NonCompliantRule", new RuleProps
        {
            Description = "Container instances that the proactive resolv-fix association found at risk (non-compliant): to the notification topic",
            EventPattern = new EventPattern
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
            Targets =
            [
                new SnsTopic(Topic, new SnsTopicProps
                {
                    Message = RuleTargetInput.FromText(
                        $"ECS DNS remediation: container instance {EventField.FromPath("$.detail.resource-id")} is non-compliant with a State Manager association (the resolv-fix check reports it at risk, or the run failed). Systems Manager > Compliance lists the association and its output."),
                }),
            ],
        });

        CreateAlarms(automationFailed, nonCompliant);
        CreateDashboard();

        _ = new CfnOutput(this, "RunbookNameOutput", new CfnOutputProps { Key = "RunbookName", Value = RunbookName });
        _ = new CfnOutput(this, "ResolvFixDocumentOutput", new CfnOutputProps { Key = "ResolvFixDocumentName", Value = ResolvFixDocumentName });
        _ = new CfnOutput(this, "DiagnoseDocumentOutput", new CfnOutputProps { Key = "DiagnoseDocumentName", Value = DiagnoseDocumentName });
        _ = new CfnOutput(this, "EfsEvidenceDocumentOutput", new CfnOutputProps { Key = "EfsEvidenceDocumentName", Value = EfsEvidenceDocumentName });
        _ = new CfnOutput(this, "RunbookRoleOutput", new CfnOutputProps { Key = "RunbookRoleArn", Value = RunbookRole.RoleArn });
        _ = new CfnOutput(this, "TopicOutput", new CfnOutputProps { Key = "TopicArn", Value = Topic.TopicArn });
        _ = new CfnOutput(this, "FunctionOutput", new CfnOutputProps { Key = "FunctionName", Value = Remediator.Function.FunctionName });
        _ = new CfnOutput(this, "FunctionLogGroupOutput", new CfnOutputProps { Key = "FunctionLogGroup", Value = Remediator.LogGroup.LogGroupName });
        _ = new CfnOutput(this, "FailureQueueOutput", new CfnOutputProps { Key = "FailureQueueUrl", Value = Remediator.FailureQueue.QueueUrl });
        // Ref is the association id (its primary identifier); moto's CloudFormation cannot Fn::GetAtt it.
        _ = new CfnOutput(this, "AssociationOutput", new CfnOutputProps { Key = "AssociationId", Value = association.Ref });
    }

    /// <summary>STOPPED ECS tasks whose stoppedReason or any container reason may be a failed EFS mount.</summary>
    public static EventPattern TaskStoppedPattern()
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

    /// <summary>The Remediator's settings (contracts.md) for this configuration.</summary>
    public static Dictionary<string, string> RemediatorEnvironment(RemediationConfig config, string runbookName, string runbookRoleArn, string claimsTable) => new()
    {
        ["REMEDIATOR_MODE"] = config.Mode == RemediationMode.Observe ? "observe" : "remediate",
        ["REMEDIATOR_ALLOWED_CLUSTERS"] = string.Join(",", config.AllowedClusters),
        ["REMEDIATOR_MAX_ATTEMPTS"] = config.MaxAttempts.ToString(CultureInfo.InvariantCulture),
        ["REMEDIATOR_VPC_RESOLVER"] = config.VpcResolver,
        ["REMEDIATOR_SAFE_CAPACITY_PROVIDER"] = config.SafeCapacityProviderName,
        ["REMEDIATOR_RESCHEDULE"] = config.Reschedule ? "true" : "false",
        ["REMEDIATOR_RUNBOOK_NAME"] = runbookName,
        ["REMEDIATOR_AUTOMATION_ROLE_ARN"] = runbookRoleArn,
        ["REMEDIATOR_CLAIMS_TABLE"] = claimsTable,
        ["REMEDIATOR_HOST_FIX_WINDOW_MINUTES"] = config.HostFixWindowMinutes.ToString(CultureInfo.InvariantCulture),
        ["REMEDIATOR_METRICS_NAMESPACE"] = MetricsNamespace,
    };

    (Topic Topic, Key Key) CreateTopic(RemediationConfig config)
    {
        // A customer managed key: CloudWatch alarms and EventBridge cannot publish to a topic under the AWS managed SNS key.
        var key = new Key(this, "TopicKey", new KeyProps
        {
            Description = "ECS DNS remediation notification topic",
            EnableKeyRotation = true,
        });
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AlarmsAndEventsPublish",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com"), new ServicePrincipal("events.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Account } },
        }));
        var topic = new Topic(this, "Topic", new TopicProps
        {
            DisplayName = "ECS DNS remediation",
            MasterKey = key,
            EnforceSSL = true,
        });
        // A topic policy replaces SNS's default one, which is what lets CloudWatch alarms publish; EventBridge
        // targets add their own statement, the alarm actions add none. Held to this account's alarms.
        topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AlarmsPublish",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [topic.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Account },
                ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = FormatArn(new ArnComponents
                {
                    Service = "cloudwatch",
                    Resource = "alarm",
                    ResourceName = "*",
                    ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
                }) },
            },
        }));
        if (config.NotificationEmail.Length > 0)
            topic.AddSubscription(new EmailSubscription(config.NotificationEmail));
        return (topic, key);
    }

    string Arn(string service, string resource, string name, string? region = null) =>
        FormatArn(new ArnComponents { Service = service, Resource = resource, ResourceName = name, Region = region });

    Role CreateRunbookRole(RemediationConfig config, Key topicKey)
    {
        var role = new Role(this, "RunbookRole", new RoleProps
        {
            Description = "The remediation runbook's assume role: look up the container instance, run the host fix, reschedule the task",
            AssumedBy = new ServicePrincipal("ssm.amazonaws.com").WithConditions(new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Account },
                ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = Arn("ssm", "automation-execution", "*") },
            }),
        });

        // With an allowlist, every ECS permission is held to those clusters; without one the Remediator acts
        // on every cluster of the account and Region, and so may the runbook.
        var scoped = config.AllowedClusters.Count > 0;
        var clusterArns = config.AllowedClusters.Select(c => Arn("ecs", "cluster", c)).ToArray();
        var clusterCondition = scoped
            ? new Dictionary<string, object> { ["ArnEquals"] = new Dictionary<string, object> { ["ecs:cluster"] = clusterArns } }
            : null;

        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DescribeContainerInstance",
            Actions = ["ecs:DescribeContainerInstances"],
            Resources = scoped
                ? config.AllowedClusters.Select(c => Arn("ecs", "container-instance", c + "/*")).ToArray()
                : [Arn("ecs", "container-instance", "*")],
            Conditions = clusterCondition,
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SendHostFix",
            Actions = ["ssm:SendCommand"],
            Resources = [Arn("ssm", "document", ResolvFixDocumentName), Arn("ssm", "document", EfsEvidenceDocumentName), Arn("ec2", "instance", "*")],
        }));
        // DescribeTaskDefinition takes no resource-level permission (Service Authorization Reference).
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadTaskDefinition",
            Actions = ["ecs:DescribeTaskDefinition"],
            Resources = ["*"],
        }));
        // Command results and instance information take no resource-level permissions.
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadHostFixResult",
            Actions = ["ssm:ListCommands", "ssm:ListCommandInvocations", "ssm:GetCommandInvocation", "ssm:DescribeInstanceInformation"],
            Resources = ["*"],
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "Reschedule",
            Actions = ["ecs:RunTask"],
            Resources = config.TaskDefinitionFamilies.Count > 0
                ? config.TaskDefinitionFamilies.Select(f => Arn("ecs", "task-definition", f + ":*")).ToArray()
                : [Arn("ecs", "task-definition", "*:*")],
            Conditions = clusterCondition,
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "TagRescheduledTask",
            Actions = ["ecs:TagResource"],
            Resources = [Arn("ecs", "task", "*")],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["ecs:CreateAction"] = "RunTask" } },
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PassTaskRoles",
            Actions = ["iam:PassRole"],
            Resources = config.TaskRoleArns.Count > 0 ? config.TaskRoleArns.ToArray() : [Arn("iam", "role", "*", region: "")],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "ecs-tasks.amazonaws.com" } },
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "Notify",
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "NotifyEncrypted",
            Actions = ["kms:Decrypt", "kms:GenerateDataKey"],
            Resources = [topicKey.KeyArn],
        }));
        return role;
    }

    void GrantRemediator(Role role)
    {
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "StartRunbook",
            Actions = ["ssm:StartAutomationExecution"],
            Resources = [Arn("ssm", "automation-definition", RunbookName + ":*")],
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PassRunbookRole",
            Actions = ["iam:PassRole"],
            Resources = [RunbookRole.RoleArn],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "ssm.amazonaws.com" } },
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "Claims",
            Actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            Resources = [ClaimsTable.TableArn],
        }));
    }

    CfnAssociation CreateAssociation(RemediationConfig config, IReadOnlyList<string> clusters, CfnDocument resolvFix)
    {
        var fix = config.ProactiveAction == ProactiveAction.Fix;
        return new CfnAssociation(this, "ProactiveAssociation", new CfnAssociationProps
        {
            AssociationName = $"{StackName}-resolv-{(fix ? "fix" : "check")}",
            // The document's Ref (its name) rather than the literal: CloudFormation then creates the document
            // first, where a literal name could race it and fail with InvalidDocument.
            Name = resolvFix.Ref,
            Parameters = new Dictionary<string, object>
            {
                ["Action"] = new[] { fix ? "fix" : "check" },
                ["Resolver"] = new[] { config.VpcResolver },
            },
            Targets = new object[]
            {
                new CfnAssociation.TargetProperty { Key = "tag:" + InstanceTags.Cluster, Values = clusters.ToArray() },
            },
            ScheduleExpression = config.ProactiveSchedule,
            // false: the association also runs when it is created and when a new instance with the tag comes online.
            ApplyOnlyAtCronInterval = false,
            ComplianceSeverity = "HIGH",
            SyncCompliance = "AUTO",
            // At most a tenth of the fleet at once, so a bad script never reaches every instance together.
            MaxConcurrency = "10%",
            // check is read-only and an at-risk instance is a failed run: stopping early would hide the rest of
            // the fleet. fix changes hosts: stop at the first few failures.
            MaxErrors = fix ? "5%" : "100%",
        });
    }

    void CreateAlarms(Rule automationFailed, Rule nonCompliant)
    {
        var action = new SnsAction(Topic);
        Alarm Alarm(string id, string description, IMetric metric)
        {
            var alarm = new Alarm(this, id, new AlarmProps
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

        var fiveMinutes = Duration.Minutes(5);
        Alarm("FailureQueueAlarm", "Events the Remediator could not handle are waiting in the failure queue: inspect and redrive them.",
            Remediator.FailureQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = fiveMinutes, Statistic = "Maximum" }));
        Alarm("FunctionErrorsAlarm", "The Remediator function failed (it will retry, then keep the event in the failure queue).",
            Remediator.Function.MetricErrors(new MetricOptions { Period = fiveMinutes, Statistic = "Sum" }));
        Alarm("NotificationsAlarm", "The Remediator decided to notify: a failure it must not or cannot fix (Fargate, bridge or host mode, attempt limit).",
            RemediatorMetric("Notifications"));
        Alarm("AutomationFailedAlarm", "A remediation runbook execution failed, timed out or was cancelled.", RuleMatches(automationFailed));
        Alarm("NonCompliantAlarm", "The proactive association found container instances at risk (non-compliant).", RuleMatches(nonCompliant));
    }

    static Metric RemediatorMetric(string name, Dictionary<string, string>? dimensions = null, string? label = null) => new(new MetricProps
    {
        Namespace = MetricsNamespace,
        MetricName = name,
        DimensionsMap = dimensions,
        Statistic = "Sum",
        Period = Duration.Minutes(5),
        Label = label,
    });

    static Metric RuleMatches(Rule rule) => new(new MetricProps
    {
        Namespace = "AWS/Events",
        MetricName = "TriggeredRules",
        DimensionsMap = new Dictionary<string, string> { ["RuleName"] = rule.RuleName },
        Statistic = "Sum",
        Period = Duration.Minutes(5),
    });

    void CreateDashboard()
    {
        var outcome = (string o) => RemediatorMetric("Events", new Dictionary<string, string> { ["Outcome"] = o }, o);
        var dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DashboardName = $"{StackName}" });
        dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Events by outcome",
                Left = [RemediatorMetric("Events", label: "events seen"), outcome("acted"), outcome("skipped"), outcome("failed")],
                Width = 12,
            }),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Remediations",
                Left = [RemediatorMetric("HostFixes", label: "host fixes"), RemediatorMetric("Reschedules", label: "reschedules"), RemediatorMetric("Notifications", label: "notifications")],
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
                        Expression = $"SEARCH('{{{MetricsNamespace},Cause,Outcome}} MetricName=\"Events\" Outcome=\"skipped\"', 'Sum', 300)",
                        Label = "",
                        Period = Duration.Minutes(5),
                    }),
                ],
                Width = 12,
            }),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Failures",
                Left =
                [
                    outcome("failed"),
                    Remediator.Function.MetricErrors(new MetricOptions { Label = "function errors", Statistic = "Sum" }),
                    Remediator.FailureQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Label = "failure queue", Statistic = "Maximum" }),
                ],
                Width = 12,
            }));
    }
}
