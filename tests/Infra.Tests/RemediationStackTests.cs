using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Infra.Constructs;
using Remediation.Contracts;
using Remediator.Planning;

namespace Infra.Tests;

[Collection(nameof(DefaultApp))]
public class RemediationStackTests(DefaultApp app)
{
    static Dictionary<string, object> Props(params (string Key, object Value)[] items) => items.ToDictionary(i => i.Key, i => i.Value);

    [Fact]
    public void Function_Runtime_IsDotnet10OnArm64WithJsonLogs()
    {
        app.Remediation.HasResourceProperties("AWS::Lambda::Function", Match.ObjectLike(Props(
            ("Runtime", "dotnet10"),
            ("Architectures", new[] { "arm64" }),
            ("Handler", "Remediator::Remediator.Function::Handle"),
            ("MemorySize", 512),
            ("Timeout", 50),
            ("LoggingConfig", Match.ObjectLike(Props(("LogFormat", "JSON")))))));
        app.Remediation.HasResourceProperties("AWS::Logs::LogGroup", Match.ObjectLike(Props(("RetentionInDays", 90))));
    }

    [Fact]
    public void Function_Timeout_IsBelowTheClaimLease()
    {
        var timeout = (int)SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function")["Timeout"]!;

        // A live invocation must never outlive its own claim, or another could take it over while it acts.
        Assert.True(TimeSpan.FromSeconds(timeout) < ClaimsTable.Lease, $"timeout {timeout} s, lease {ClaimsTable.Lease.TotalSeconds} s");
    }

    [Fact]
    public void Function_Default_ReservesNoConcurrency()
    {
        var function = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function");

        Assert.False(function.ContainsKey("ReservedConcurrentExecutions"));
    }

    [Fact]
    public void TopicPolicy_CloudWatchAlarms_MayPublishFromThisAccountOnly()
    {
        var statements = SynthesizedApp.Single(app.RemediationJson, "AWS::SNS::TopicPolicy")["PolicyDocument"]!["Statement"]!.AsArray();

        var alarms = Assert.Single(statements, s => s!["Principal"] is JsonObject p && (string?)p["Service"] == "cloudwatch.amazonaws.com")!;
        Assert.Equal("Allow", (string?)alarms["Effect"]);
        Assert.Equal("sns:Publish", (string?)alarms["Action"]);
        Assert.Equal("{\"Ref\":\"AWS::AccountId\"}", alarms["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToJsonString());
        var sourceArn = alarms["Condition"]!["ArnLike"]!["aws:SourceArn"]!.ToJsonString();
        Assert.Contains(":cloudwatch:", sourceArn);
        Assert.EndsWith(":alarm:*\"]]}", sourceArn);
        Assert.StartsWith("{\"Ref\":\"NotificationsTopic", alarms["Resource"]!.ToJsonString());
    }

    /// <summary>
    /// The SNS Developer Guide (Key management, "Enable compatibility between event sources from AWS services and
    /// encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html) gives EventBridge's key
    /// policy statement no source condition: with one, every rule's delivery to the encrypted topic fails.
    /// </summary>
    [Fact]
    public void KeyPolicy_EventBridge_MayUseTheTopicKeyWithoutASourceCondition()
    {
        var statements = SynthesizedApp.Single(app.RemediationJson, "AWS::KMS::Key")["KeyPolicy"]!["Statement"]!.AsArray();

        var events = Assert.Single(statements, s => s!["Principal"]?["Service"]?.ToJsonString().Contains("events.amazonaws.com", StringComparison.Ordinal) == true)!;
        Assert.Equal("\"events.amazonaws.com\"", events["Principal"]!["Service"]!.ToJsonString());
        Assert.Contains("kms:GenerateDataKey", events["Action"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("kms:Decrypt", events["Action"]!.ToJsonString(), StringComparison.Ordinal);
        var conditions = events["Condition"]?.ToJsonString() ?? "";
        Assert.DoesNotContain("aws:SourceAccount", conditions, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("aws:SourceArn", conditions, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("aws:SourceOrgID", conditions, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void KeyPolicy_CloudWatchAlarms_MayUseTheTopicKeyFromThisAccountOnly()
    {
        var statements = SynthesizedApp.Single(app.RemediationJson, "AWS::KMS::Key")["KeyPolicy"]!["Statement"]!.AsArray();

        var alarms = Assert.Single(statements, s => s!["Principal"]?["Service"]?.ToJsonString().Contains("cloudwatch.amazonaws.com", StringComparison.Ordinal) == true)!;
        Assert.Equal("{\"Ref\":\"AWS::AccountId\"}", alarms["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToJsonString());
    }

    [Fact]
    public void Association_Document_IsReferencedSoItIsCreatedFirst()
    {
        var documentId = SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["Name"] == RemediationDocuments.DefaultResolvFix).Id;

        var association = SynthesizedApp.Single(app.RemediationJson, "AWS::SSM::Association");

        Assert.Equal($"{{\"Ref\":\"{documentId}\"}}", association["Name"]!.ToJsonString());
    }

    [Fact]
    public void Function_AsyncFailures_GoToTheEncryptedFourteenDayQueue()
    {
        var destination = new Capture();

        app.Remediation.HasResourceProperties("AWS::Lambda::EventInvokeConfig", Match.ObjectLike(Props(
            ("MaximumRetryAttempts", 2),
            ("MaximumEventAgeInSeconds", 21600),
            ("DestinationConfig", Props(("OnFailure", Props(("Destination", destination))))))));

        var queueId = (string)((object[])destination.AsObject()["Fn::GetAtt"])[0];
        var queue = app.RemediationJson["Resources"]![queueId]!["Properties"]!;
        Assert.Equal(1209600, (int)queue["MessageRetentionPeriod"]!);
        Assert.True((bool)queue["SqsManagedSseEnabled"]!);
        app.Remediation.HasResourceProperties("AWS::SQS::QueuePolicy", Match.ObjectLike(Props(
            ("PolicyDocument", Match.ObjectLike(Props(("Statement", Match.ArrayWith([Match.ObjectLike(Props(
                ("Effect", "Deny"),
                ("Condition", Props(("Bool", Props(("aws:SecureTransport", "false")))))))]))))))));
    }

    [Fact]
    public void TaskStoppedRule_Target_HasRetriesAndTheFailureQueueAsDeadLetter()
    {
        var targets = SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule")
            .Single(r => r.Id.StartsWith("TaskStoppedRule", StringComparison.Ordinal)).Properties["Targets"]!.AsArray();

        var target = Assert.Single(targets)!;
        Assert.StartsWith("{\"Fn::GetAtt\":[\"RemediatorFailureQueue", target["DeadLetterConfig"]!["Arn"]!.ToJsonString());
        Assert.Equal(8, (int)target["RetryPolicy"]!["MaximumRetryAttempts"]!);
        Assert.StartsWith("{\"Fn::GetAtt\":[\"RemediatorFunction", target["Arn"]!.ToJsonString());
    }

    [Fact]
    public void Function_DefaultEnvironment_ParsesToTheRemediatorDefaultsPlusTheSafeCapacity()
    {
        var variables = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function")["Environment"]!["Variables"]!.AsObject();
        var plain = variables.Where(v => v.Value is JsonValue).ToDictionary(v => v.Key, v => (string?)v.Value);

        var settings = RemediatorSettings.From(key => plain.GetValueOrDefault(key));

        Assert.Equal(RemediatorSettings.Default.Mode, settings.Mode);
        Assert.Equal(RemediatorSettings.Default.MaxAttempts, settings.MaxAttempts);
        Assert.Equal(RemediatorSettings.Default.VpcResolver, settings.VpcResolver);
        Assert.Empty(settings.AllowedClusters);
        Assert.Equal("dns-safe-capacity", settings.SafeCapacityProvider);
        Assert.True(settings.Reschedule);
        Assert.All(Settings.All.Where(s => s.Key is not null && s.Variable is not null), s => Assert.True(variables.ContainsKey(s.Variable!), s.Variable));
        Assert.Equal("EcsDnsRemediation-Remediate", plain["REMEDIATOR_RUNBOOK_NAME"]);
        Assert.Equal("15", plain["REMEDIATOR_HOST_FIX_WINDOW_MINUTES"]);
        Assert.Equal("EcsDnsRemediation", plain["REMEDIATOR_METRICS_NAMESPACE"]);
        Assert.StartsWith("{\"Fn::GetAtt\":[\"RunbookRole", variables["REMEDIATOR_AUTOMATION_ROLE_ARN"]!.ToJsonString());
        Assert.StartsWith("{\"Ref\":\"RemediatorClaims", variables["REMEDIATOR_CLAIMS_TABLE"]!.ToJsonString());
    }

    /// <summary>RunTask takes the safe capacity provider only in a cluster it is associated with: the function knows which.</summary>
    [Fact]
    public void Function_SafeCapacityClusters_AreTheClusterOfTheProvidersAssociation()
    {
        var variables = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function")["Environment"]!["Variables"]!;
        var association = SynthesizedApp.Single(app.CapacityJson, "AWS::ECS::ClusterCapacityProviderAssociations");

        var clusters = variables[RemediatorEnvironment.SafeCapacityClusters]!.ToJsonString();
        Assert.Contains(":ecs:", clusters, StringComparison.Ordinal);
        Assert.EndsWith($":cluster/{(string)association["Cluster"]!}\"]]}}", clusters, StringComparison.Ordinal);
    }

    [Fact]
    public void ClaimsTable_Shape_FollowsTheContract()
    {
        app.Remediation.HasResourceProperties("AWS::DynamoDB::Table", Match.ObjectLike(Props(
            ("KeySchema", new[] { Props(("AttributeName", "pk"), ("KeyType", "HASH")) }),
            ("AttributeDefinitions", new[] { Props(("AttributeName", "pk"), ("AttributeType", "S")) }),
            ("BillingMode", "PAY_PER_REQUEST"),
            ("TimeToLiveSpecification", Props(("AttributeName", "expiresAt"), ("Enabled", true))),
            ("PointInTimeRecoverySpecification", Props(("PointInTimeRecoveryEnabled", true))),
            ("SSESpecification", Props(("SSEEnabled", true))))));
    }

    [Fact]
    public void Topic_Encryption_CustomerKeyAndTlsOnly()
    {
        app.Remediation.HasResourceProperties("AWS::SNS::Topic", Match.ObjectLike(Props(("KmsMasterKeyId", Match.AnyValue()))));
        app.Remediation.HasResourceProperties("AWS::KMS::Key", Match.ObjectLike(Props(("EnableKeyRotation", true))));
        app.Remediation.HasResourceProperties("AWS::SNS::TopicPolicy", Match.ObjectLike(Props(
            ("PolicyDocument", Match.ObjectLike(Props(("Statement", Match.ArrayWith([Match.ObjectLike(Props(
                ("Effect", "Deny"),
                ("Condition", Props(("Bool", Props(("aws:SecureTransport", "false")))))))]))))))));
    }

    [Theory]
    [InlineData("ApproximateNumberOfMessagesVisible", "AWS/SQS")]
    [InlineData("Errors", "AWS/Lambda")]
    [InlineData("Notifications", "EcsDnsRemediation")]
    public void Alarm_Metric_AboveZeroNotifiesTheTopic(string metric, string ns)
    {
        app.Remediation.HasResourceProperties("AWS::CloudWatch::Alarm", Match.ObjectLike(Props(
            ("MetricName", metric),
            ("Namespace", ns),
            ("Threshold", 0),
            ("ComparisonOperator", "GreaterThanThreshold"),
            ("AlarmActions", new[] { Match.ObjectLike(Props(("Ref", Match.StringLikeRegexp("^NotificationsTopic")))) }))));
    }

    [Fact]
    public void AutomationFailures_RuleOnOurRunbook_NotifiesAndAlarms()
    {
        var rule = SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule").Single(r => r.Id.StartsWith("NotificationRulesAutomationFailed", StringComparison.Ordinal));

        var pattern = rule.Properties["EventPattern"]!;
        Assert.Equal("aws.ssm", (string?)pattern["source"]![0]);
        Assert.Equal("EC2 Automation Execution Status-change Notification", (string?)pattern["detail-type"]![0]);
        Assert.Equal(["EcsDnsRemediation-Remediate"], pattern["detail"]!["Definition"]!.AsArray().Select(x => (string)x!));
        Assert.Contains("Failed", pattern["detail"]!["Status"]!.AsArray().Select(x => (string)x!));
        Assert.Contains("TimedOut", pattern["detail"]!["Status"]!.AsArray().Select(x => (string)x!));
        Assert.StartsWith("{\"Ref\":\"NotificationsTopic", rule.Properties["Targets"]![0]!["Arn"]!.ToJsonString());
        app.Remediation.HasResourceProperties("AWS::CloudWatch::Alarm", Match.ObjectLike(Props(
            ("MetricName", "TriggeredRules"),
            ("Dimensions", new[] { Props(("Name", "RuleName"), ("Value", Props(("Ref", rule.Id)))) }))));
    }

    [Fact]
    public void SafeCapacityAlarmRule_Target_PublishesToTheTopicWhichLetsEventBridgePublish()
    {
        var rule = SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule").Single(r => r.Id.StartsWith("NotificationRulesSafeCapacityAlarm", StringComparison.Ordinal));
        var statements = SynthesizedApp.Single(app.RemediationJson, "AWS::SNS::TopicPolicy")["PolicyDocument"]!["Statement"]!.AsArray();

        var target = Assert.Single(rule.Properties["Targets"]!.AsArray())!;
        Assert.StartsWith("{\"Ref\":\"NotificationsTopic", target["Arn"]!.ToJsonString());
        // The message names the alarm of the event, whichever of the capacity stack's alarms it is.
        var transformer = target["InputTransformer"]!;
        var alarmField = Assert.Single(transformer["InputPathsMap"]!.AsObject(), p => (string?)p.Value == "$.detail.alarmName").Key;
        Assert.Contains($"<{alarmField}> is in ALARM", (string?)transformer["InputTemplate"]);
        Assert.Equal(app.Stacks.Capacity!.NoSafeInstanceAlarmNames, rule.Properties["EventPattern"]!["detail"]!["alarmName"]!.AsArray().Select(n => (string)n!));
        Assert.Contains(statements, s => s!["Principal"] is JsonObject p && (string?)p["Service"] == "events.amazonaws.com" && (string?)s["Action"] == "sns:Publish");
    }

    [Fact]
    public void Association_Default_ChecksTaggedInstancesEveryThirtyMinutesWithRateControl()
    {
        app.Remediation.HasResourceProperties("AWS::SSM::Association", Match.ObjectLike(Props(
            ("Parameters", Props(("Action", new[] { "check" }), ("Resolver", new[] { "169.254.169.253" }))),
            ("Targets", new[] { Props(("Key", "tag:ecs-dns-remediation:cluster"), ("Values", new[] { "ecs-dns-remediation" })) }),
            ("ScheduleExpression", "rate(30 minutes)"),
            ("ApplyOnlyAtCronInterval", false),
            ("MaxConcurrency", "10%"),
            ("MaxErrors", "100%"),
            ("ComplianceSeverity", "HIGH"))));
    }

    [Fact]
    public void NonCompliance_Rule_NotifiesAndAlarms()
    {
        var rule = SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule").Single(r => r.Id.StartsWith("NotificationRulesNonCompliant", StringComparison.Ordinal));

        var detail = rule.Properties["EventPattern"]!["detail"]!;
        Assert.Equal("Configuration Compliance State Change", (string?)rule.Properties["EventPattern"]!["detail-type"]![0]);
        Assert.Equal("non_compliant", (string?)detail["compliance-status"]![0]);
        Assert.Equal("Association", (string?)detail["compliance-type"]![0]);
        Assert.StartsWith("{\"Ref\":\"NotificationsTopic", rule.Properties["Targets"]![0]!["Arn"]!.ToJsonString());
        app.Remediation.HasResourceProperties("AWS::CloudWatch::Alarm", Match.ObjectLike(Props(
            ("MetricName", "TriggeredRules"),
            ("Dimensions", new[] { Props(("Name", "RuleName"), ("Value", Props(("Ref", rule.Id)))) }),
            ("AlarmActions", Match.AnyValue()))));
    }

    [Fact]
    public void Outputs_ForManualInvocation_AreExported()
    {
        var outputs = app.RemediationJson["Outputs"]!.AsObject().Select(o => o.Key).ToList();

        Assert.Equal(["RunbookName", "ResolvFixDocumentName", "DiagnoseDocumentName", "EfsEvidenceDocumentName", "RunbookRoleArn", "TopicArn", "FunctionName", "FunctionLogGroup", "OutcomeQueryName", "NotificationsAlarmName", "FailureQueueUrl", "AssociationId", "ResolvFixScriptUrl", "ResolvFixScriptSha256"],
            outputs.Where(o => !o.StartsWith("Export", StringComparison.Ordinal)));
    }

    [Fact]
    public void Outputs_AssociationId_IsTheAssociationsRefWhichMotoCanDeploy()
    {
        var association = SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Association").Single().Id;

        Assert.Equal($"{{\"Ref\":\"{association}\"}}", app.RemediationJson["Outputs"]!["AssociationId"]!["Value"]!.ToJsonString());
    }

    [Fact]
    public void Outputs_ResolvFixScript_IsTheJoinedScriptsAssetWhichUserDataAcceptsWithItsSha256()
    {
        var script = (ResolvFixScript)app.Stacks.Remediation.Node.FindChild("ResolvFixScript");
        var staged = File.ReadAllBytes(Path.Combine(Stage.Of(app.Stacks.Remediation)!.Outdir, script.Asset.AssetPath));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(staged));
        var outputs = app.RemediationJson["Outputs"]!;
        var url = ((string)outputs["ResolvFixScriptUrl"]!["Value"]!["Fn::Sub"]!)
            .Replace("${AWS::AccountId}", "111122223333", StringComparison.Ordinal)
            .Replace("${AWS::Region}", "us-east-1", StringComparison.Ordinal);

        Assert.Equal(JoinedHostScript.ByTheBatsJoin(app.Root, "resolv-fix.sh"), staged);
        Assert.Equal(sha256, (string?)outputs["ResolvFixScriptSha256"]!["Value"]);
        Assert.EndsWith($"/{script.Asset.AssetHash}.sh", url, StringComparison.Ordinal);
        // The user data generator judges both outputs with the boot script's own rules.
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                Path.Combine(app.Root, "hostscripts", "user-data.sh"), "--script-url", url, "--script-sha256", sha256,
                "--region", "us-east-1", "--cluster", "prod", "--capacity-provider", "prod-ondemand", "--resolver", app.Config.VpcResolver,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var userData = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"user-data.sh: exit {process.ExitCode}: {error.Result}");
        Assert.Contains($" --script-url {url} --script-sha256 {sha256}", userData, StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_Widgets_ShowEventsRemediationsSkipsAndFailures()
    {
        var body = SynthesizedApp.Single(app.RemediationJson, "AWS::CloudWatch::Dashboard")["DashboardBody"]!.ToJsonString();

        Assert.Contains("Events by outcome", body);
        Assert.Contains("Skips by cause", body);
        Assert.Contains("HostFixes", body);
        Assert.Contains("Failures", body);
    }
}

[Collection(nameof(ExistingClusterApp))]
public class FixModeTests(ExistingClusterApp app)
{
    [Fact]
    public void Function_ReservedConcurrencySet_IsReserved()
    {
        var function = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function");

        Assert.Equal(5, (int)function["ReservedConcurrentExecutions"]!);
    }

    [Fact]
    public void Association_FixMode_StopsAtFivePercentErrorsAndTargetsEveryConfiguredCluster()
    {
        var association = SynthesizedApp.Single(app.RemediationJson, "AWS::SSM::Association");

        Assert.Equal("fix", (string?)association["Parameters"]!["Action"]![0]);
        Assert.Equal("5%", (string?)association["MaxErrors"]);
        Assert.Equal("10%", (string?)association["MaxConcurrency"]);
        Assert.Equal(["prod", "batch", "ecs-dns-sandbox"], association["Targets"]![0]!["Values"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public void Function_AllowList_PassedToTheRemediator()
    {
        var variables = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function")["Environment"]!["Variables"]!;

        Assert.Equal("prod,batch", (string?)variables["REMEDIATOR_ALLOWED_CLUSTERS"]);
        // The bare names mean clusters of the function's own account and Region, which it is told.
        Assert.Equal("""{"Ref":"AWS::AccountId"}""", variables["REMEDIATOR_ACCOUNT"]?.ToJsonString());
        Assert.Equal("""{"Ref":"AWS::Region"}""", variables["REMEDIATOR_REGION"]?.ToJsonString());
    }
}
