using System.Text.Json.Nodes;

namespace Infra.Tests;

[Collection(nameof(DefaultApp))]
public class IamTests(DefaultApp app)
{
    /// <summary>Every statement of every identity policy (inline policies, roles' inline policies) in a template.</summary>
    static IEnumerable<JsonObject> IdentityStatements(JsonObject template)
    {
        foreach (var (_, policy) in SynthesizedApp.Resources(template, "AWS::IAM::Policy"))
            foreach (var s in policy["PolicyDocument"]!["Statement"]!.AsArray())
                yield return s!.AsObject();
        foreach (var (_, role) in SynthesizedApp.Resources(template, "AWS::IAM::Role"))
            foreach (var p in role["Policies"]?.AsArray() ?? [])
                foreach (var s in p!["PolicyDocument"]!["Statement"]!.AsArray())
                    yield return s!.AsObject();
    }

    static IEnumerable<string> List(JsonNode? node) => node switch
    {
        null => [],
        JsonArray a => a.Select(x => x!.ToJsonString().Trim('"')),
        _ => [node.ToJsonString().Trim('"')],
    };

    JsonObject Statement(JsonObject template, string sid) =>
        Assert.Single(IdentityStatements(template), s => (string?)s["Sid"] == sid);

    [Fact]
    public void Policies_AllStacks_NameNoWildcardAction()
    {
        var actions = IdentityStatements(app.CapacityJson).Concat(IdentityStatements(app.RemediationJson))
            .SelectMany(s => List(s["Action"]))
            .ToList();

        Assert.NotEmpty(actions);
        Assert.All(actions, a => Assert.DoesNotContain("*", a));
    }

    [Fact]
    public void Policies_AllStacks_UseNoNotActionOrManagedPolicyBeyondSsmCore()
    {
        var roles = SynthesizedApp.Resources(app.CapacityJson, "AWS::IAM::Role").Concat(SynthesizedApp.Resources(app.RemediationJson, "AWS::IAM::Role"));

        Assert.All(IdentityStatements(app.RemediationJson), s => Assert.Null(s["NotAction"]));
        var managed = roles.SelectMany(r => List(r.Properties["ManagedPolicyArns"])).Distinct().ToList();
        Assert.All(managed, m => Assert.Contains("AmazonSSMManagedInstanceCore", m));
    }

    [Fact]
    public void RunbookRole_SendCommand_OnlyTheResolvFixAndEvidenceDocumentsOnInstances()
    {
        var statement = Statement(app.RemediationJson, "SendHostFix");

        Assert.Equal(["ssm:SendCommand"], List(statement["Action"]));
        var resources = List(statement["Resources"] ?? statement["Resource"]).ToList();
        Assert.Equal(3, resources.Count);
        Assert.Contains(resources, r => r.Contains(":document/EcsDnsRemediation-ResolvFix\"", StringComparison.Ordinal));
        Assert.Contains(resources, r => r.Contains(":document/EcsDnsRemediation-EfsEvidence\"", StringComparison.Ordinal));
        Assert.Contains(resources, r => r.Contains(":instance/*\"", StringComparison.Ordinal));
    }

    [Fact]
    public void RemediatorRole_StartAutomationExecution_OnlyTheRunbook()
    {
        var statement = Statement(app.RemediationJson, "StartRunbook");

        Assert.Equal(["ssm:StartAutomationExecution"], List(statement["Action"]));
        var resource = Assert.Single(List(statement["Resource"]));
        Assert.Contains(":automation-definition/EcsDnsRemediation-Remediate:*", resource);
    }

    [Fact]
    public void RemediatorRole_PassRole_OnlyTheRunbookRoleToSsm()
    {
        var statement = Statement(app.RemediationJson, "PassRunbookRole");

        var runbookRole = SynthesizedApp.Resources(app.RemediationJson, "AWS::IAM::Role").Single(r => r.Id.StartsWith("RunbookRole", StringComparison.Ordinal)).Id;
        Assert.Equal($$"""{"Fn::GetAtt":["{{runbookRole}}","Arn"]}""", statement["Resource"]!.ToJsonString());
        Assert.Equal("ssm.amazonaws.com", (string?)statement["Condition"]!["StringEquals"]!["iam:PassedToService"]);
    }

    /// <summary>The statements of one role's identity policies, by the role's logical id prefix.</summary>
    static List<JsonObject> RoleStatements(JsonObject template, string rolePrefix) =>
        SynthesizedApp.Resources(template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => r!["Ref"]!.GetValue<string>().StartsWith(rolePrefix, StringComparison.Ordinal)))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))
            .ToList();

    /// <summary>A statement's resources, without the AWS::NoValue that CDK's table grant leaves for indexes the table does not have.</summary>
    static List<string> Resources(JsonObject statement) =>
        List(statement["Resource"]).Where(r => r != """{"Ref":"AWS::NoValue"}""").ToList();

    [Fact]
    public void RemediatorRole_Claims_FourItemActionsOnTheTableOnly()
    {
        var statements = RoleStatements(app.RemediationJson, "RemediatorRole").Where(s => List(s["Action"]).Any(a => a.StartsWith("dynamodb:", StringComparison.Ordinal)));

        var statement = Assert.Single(statements);
        Assert.Equal(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], List(statement["Action"]));
        Assert.StartsWith("{\"Fn::GetAtt\":[\"RemediatorClaims", Assert.Single(Resources(statement)));
        Assert.Null(statement["Condition"]);
    }

    [Fact]
    public void RemediatorRole_Logs_WritesOnlyItsOwnLogGroup()
    {
        var statement = Assert.Single(RoleStatements(app.RemediationJson, "RemediatorRole"), s => List(s["Action"]).Any(a => a.StartsWith("logs:", StringComparison.Ordinal)));

        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], List(statement["Action"]));
        // The log group's Arn attribute ends in ":*", which covers its log streams and nothing else.
        Assert.Matches("""^\{"Fn::GetAtt":\["RemediatorLogs[0-9A-F]{8}","Arn"\]\}$""", Assert.Single(Resources(statement)));
    }

    [Fact]
    public void RunbookRole_Notify_PublishesToTheTopicWithItsKeyOnly()
    {
        var statements = RoleStatements(app.RemediationJson, "RunbookRole");

        var publish = Assert.Single(statements, s => List(s["Action"]).Any(a => a.StartsWith("sns:", StringComparison.Ordinal)));
        Assert.Equal(["sns:Publish"], List(publish["Action"]));
        Assert.StartsWith("{\"Ref\":\"NotificationsTopic", Assert.Single(Resources(publish)));
        var key = Assert.Single(statements, s => List(s["Action"]).Any(a => a.StartsWith("kms:", StringComparison.Ordinal)));
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], List(key["Action"]));
        Assert.StartsWith("{\"Fn::GetAtt\":[\"NotificationsKey", Assert.Single(Resources(key)));
    }

    [Fact]
    public void RunbookRole_PassRole_OnlyToEcsTasks()
    {
        var statement = Statement(app.RemediationJson, "PassTaskRoles");

        Assert.Equal("ecs-tasks.amazonaws.com", (string?)statement["Condition"]!["StringEquals"]!["iam:PassedToService"]);
    }

    [Fact]
    public void RunbookRole_TrustPolicy_OnlySsmOfThisAccount()
    {
        var role = SynthesizedApp.Resources(app.RemediationJson, "AWS::IAM::Role").Single(r => r.Id.StartsWith("RunbookRole", StringComparison.Ordinal)).Properties;

        var trust = Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal("ssm.amazonaws.com", (string?)trust["Principal"]!["Service"]);
        Assert.NotNull(trust["Condition"]!["StringEquals"]!["aws:SourceAccount"]);
    }
}

[Collection(nameof(ExistingClusterApp))]
public class ScopedIamTests(ExistingClusterApp app)
{
    static JsonObject Statement(JsonObject template, string sid) =>
        SynthesizedApp.Resources(template, "AWS::IAM::Policy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Single(s => (string?)s!["Sid"] == sid)!.AsObject();

    [Fact]
    public void RunbookRole_RunTask_HeldToFamiliesAndAllowedClusters()
    {
        var statement = Statement(app.RemediationJson, "Reschedule");

        Assert.Contains(":task-definition/app:*", statement["Resource"]!.ToJsonString());
        var clusters = statement["Condition"]!["ArnEquals"]!["ecs:cluster"]!.AsArray().Select(c => c!.ToJsonString()).ToList();
        Assert.Equal(2, clusters.Count);
        Assert.Contains(clusters, c => c.Contains(":cluster/prod\"", StringComparison.Ordinal));
        Assert.Contains(clusters, c => c.Contains(":cluster/batch\"", StringComparison.Ordinal));
    }

    [Fact]
    public void RunbookRole_DescribeContainerInstances_HeldToAllowedClusters()
    {
        var statement = Statement(app.RemediationJson, "DescribeContainerInstance");

        var resources = statement["Resource"]!.AsArray().Select(r => r!.ToJsonString()).ToList();
        Assert.Equal(2, resources.Count);
        Assert.Contains(resources, r => r.Contains(":container-instance/prod/*\"", StringComparison.Ordinal));
        Assert.NotNull(statement["Condition"]!["ArnEquals"]!["ecs:cluster"]);
    }
}
