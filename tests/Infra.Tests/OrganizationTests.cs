using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Infra.Stacks;
using Xunit.Abstractions;

namespace Infra.Tests;

/// <summary>The app with the organization keys: the remediation stack becomes the hub.</summary>
public sealed class OrganizationApp() : SynthesizedApp(
    ("organizationId", "o-a1b2c3d4e5"),
    ("organizationTargets", "ou-ab12-cdef3456,ou-ab12-99998888"),
    ("organizationRegions", "us-east-1,eu-west-1"),
    ("organizationAccountSettings", "222233334444:observe:off"),
    ("organizationOperatorRoleArns", "arn:aws:iam::111122223333:role/platform-operator"),
    ("safeCapacityClusters", "none"))
{
    /// <summary>The member cloud assembly that MemberStack.Synthesize wrote next to the app's.</summary>
    public string MemberAssembly => Path.Combine(((App)Stacks.Remediation.Node.Root).Outdir, "member.out");

    public string MemberTemplateFile => Path.Combine(MemberAssembly, MemberStack.NamePrefix + ".template.json");

    public JsonObject Member => JsonNode.Parse(File.ReadAllText(MemberTemplateFile))!.AsObject();
}

[Collection(nameof(OrganizationApp))]
public class OrganizationTests(OrganizationApp app, ITestOutputHelper output)
{
    [Fact]
    public void HubBus_Policy_AllowsPutEventsOnlyToPrincipalsOfTheOrganization()
    {
        var policy = SynthesizedApp.Single(app.RemediationJson, "AWS::Events::EventBusPolicy");

        var statement = policy["Statement"]!;
        Assert.Equal(("Allow", "*", "events:PutEvents"),
            (statement["Effect"]!.GetValue<string>(), statement["Principal"]!.GetValue<string>(), statement["Action"]!.GetValue<string>()));
        Assert.Equal("o-a1b2c3d4e5", statement["Condition"]!["StringEquals"]!["aws:PrincipalOrgID"]!.GetValue<string>());
        Assert.Single(statement["Condition"]!.AsObject());
    }

    [Fact]
    public void StackSet_ServiceManagedAndAutoDeploying_TargetsTheOrganizationalUnitsAndRegions()
    {
        app.Remediation.HasResourceProperties("AWS::CloudFormation::StackSet", new Dictionary<string, object>
        {
            ["PermissionModel"] = "SERVICE_MANAGED",
            ["CallAs"] = "DELEGATED_ADMIN",
            ["AutoDeployment"] = new Dictionary<string, object> { ["Enabled"] = true, ["RetainStacksOnAccountRemoval"] = false },
            ["Capabilities"] = new[] { "CAPABILITY_NAMED_IAM" },
            ["StackInstancesGroup"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["DeploymentTargets"] = new Dictionary<string, object> { ["OrganizationalUnitIds"] = new[] { "ou-ab12-cdef3456", "ou-ab12-99998888" } },
                    ["Regions"] = new[] { "us-east-1", "eu-west-1" },
                },
            },
        });
        var stackSet = SynthesizedApp.Single(app.RemediationJson, "AWS::CloudFormation::StackSet");
        Assert.Null(stackSet["TemplateBody"]);
        Assert.Contains("cdk-hnb659fds-assets", stackSet["TemplateURL"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal([MemberStack.HubAccountParameter, MemberStack.HubPrincipalsParameter, MemberStack.HubEventBusParameter],
            stackSet["Parameters"]!.AsArray().Select(p => p!["ParameterKey"]!.GetValue<string>()));
        var principals = stackSet["Parameters"]![1]!["ParameterValue"]!.ToJsonString();
        Assert.Contains("RemediatorRole", principals, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::111122223333:role/platform-operator", principals, StringComparison.Ordinal);
    }

    /// <summary>
    /// A hub account inside its own target OUs would get a member stack instance too: two runbooks, two
    /// associations, every event forwarded to itself. StackSets' account filter (DeploymentTargets
    /// AccountFilterType DIFFERENCE, AWS CloudFormation User Guide, AWS::CloudFormation::StackSet DeploymentTargets)
    /// leaves it out; cfn-lint's schema accepts the property.
    /// </summary>
    [Fact]
    public void StackSet_Targets_LeaveTheHubAccountOut()
    {
        var stackSet = SynthesizedApp.Single(app.RemediationJson, "AWS::CloudFormation::StackSet");

        var targets = Assert.Single(stackSet["StackInstancesGroup"]!.AsArray())!["DeploymentTargets"]!;
        Assert.Equal("DIFFERENCE", (string?)targets["AccountFilterType"]);
        Assert.Equal("""[{"Ref":"AWS::AccountId"}]""", targets["Accounts"]!.ToJsonString());
        Assert.Equal("""["ou-ab12-cdef3456","ou-ab12-99998888"]""", targets["OrganizationalUnitIds"]!.ToJsonString());
    }

    [Fact]
    public void HubRule_OnTheHubBus_SendsTheSamePatternToTheRemediator()
    {
        var rules = SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule")
            .Where(r => r.Properties["EventBusName"] is not null)
            .ToList();
        var taskStopped = Assert.Single(rules, r => r.Properties["EventPattern"]!["source"]![0]!.GetValue<string>() == "aws.ecs").Properties;
        var defaultRule = SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule")
            .Single(r => r.Properties["EventBusName"] is null && r.Properties["EventPattern"]!["source"]![0]!.GetValue<string>() == "aws.ecs").Properties;

        Assert.Equal(defaultRule["EventPattern"]!.ToJsonString(), taskStopped["EventPattern"]!.ToJsonString());
        Assert.Contains("Remediator", taskStopped["Targets"]![0]!["Arn"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("FailureQueue", taskStopped["Targets"]![0]!["DeadLetterConfig"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Remediator_InTheHub_KnowsTheMembersAndMayAssumeOnlyTheirAccessRoles()
    {
        var function = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function");
        var environment = function["Environment"]!["Variables"]!;
        Assert.Equal(MemberStack.AccessRoleNamePrefix, environment["REMEDIATOR_MEMBER_ROLE_NAME"]!.GetValue<string>());
        Assert.Equal(MemberStack.RunbookName, environment["REMEDIATOR_MEMBER_RUNBOOK_NAME"]!.GetValue<string>());
        Assert.Equal("222233334444:observe:off", environment["REMEDIATOR_ACCOUNT_SETTINGS"]!.GetValue<string>());
        Assert.Equal("""{"Ref":"AWS::AccountId"}""", environment["REMEDIATOR_HUB_ACCOUNT"]!.ToJsonString());

        var assume = SynthesizedApp.Resources(app.RemediationJson, "AWS::IAM::Policy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Single(s => s!["Sid"]?.GetValue<string>() == "AssumeMemberAccessRoles")!;
        Assert.Equal("sts:AssumeRole", assume["Action"]!.GetValue<string>());
        Assert.Contains(":role/EcsDnsRemediationMember-*", assume["Resource"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("o-a1b2c3d4e5", assume["Condition"]!["StringEquals"]!["aws:ResourceOrgID"]!.GetValue<string>());
    }

    [Fact]
    public void MemberTemplate_ForStackSets_HasNoAssetAndNoBootstrapParameter()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(app.MemberAssembly, "manifest.json")))!;
        Assert.DoesNotContain(manifest["artifacts"]!.AsObject(), a => a.Value!["type"]!.GetValue<string>() == "cdk:asset-manifest");
        Assert.Equal([MemberStack.HubAccountParameter, MemberStack.HubEventBusParameter, MemberStack.HubPrincipalsParameter],
            app.Member["Parameters"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Null(app.Member["Rules"]);
        // TemplateURL takes up to 1 MB; TemplateBody only 51,200 bytes, less than the two embedded host scripts.
        Assert.InRange(new FileInfo(app.MemberTemplateFile).Length, 51_201, 1_048_576);
    }

    [Fact]
    public void MemberTemplate_ForwardingRule_SendsTheRemediatorsPatternToTheHubBus()
    {
        var forward = SynthesizedApp.Resources(app.Member, "AWS::Events::Rule")
            .Single(r => r.Properties["EventPattern"]!["source"]![0]!.GetValue<string>() == "aws.ecs").Properties;
        var hubPattern = SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule")
            .First(r => r.Properties["EventPattern"]!["source"]![0]!.GetValue<string>() == "aws.ecs").Properties["EventPattern"]!;

        Assert.Equal(hubPattern.ToJsonString(), forward["EventPattern"]!.ToJsonString());
        Assert.Equal($$"""{"Ref":"{{MemberStack.HubEventBusParameter}}"}""", forward["Targets"]![0]!["Arn"]!.ToJsonString());
        Assert.NotNull(forward["Targets"]![0]!["RoleArn"]);
        Assert.NotNull(forward["Targets"]![0]!["DeadLetterConfig"]);
    }

    [Fact]
    public void MemberTemplate_AccessRole_TrustsOnlyTheHubsRolesAndCarriesTheRegionInItsName()
    {
        var role = SynthesizedApp.Resources(app.Member, "AWS::IAM::Role")
            .Single(r => r.Properties["RoleName"]?.ToJsonString().Contains($"\"{MemberStack.AccessRoleNamePrefix}-\"", StringComparison.Ordinal) == true).Properties;

        Assert.Equal("""{"Fn::Join":["",["EcsDnsRemediationMember-",{"Ref":"AWS::Region"}]]}""", role["RoleName"]!.ToJsonString());
        var trust = Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Contains(MemberStack.HubAccountParameter, trust["Principal"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal($$"""{"Ref":"{{MemberStack.HubPrincipalsParameter}}"}""", trust["Condition"]!["ArnEquals"]!["aws:PrincipalArn"]!.ToJsonString());
    }

    [Fact]
    public void MemberTemplate_DocumentsAndAssociation_UseTheHubsBuildersAndFixedNames()
    {
        var documents = SynthesizedApp.Resources(app.Member, "AWS::SSM::Document").ToDictionary(d => d.Properties["Name"]!.GetValue<string>(), d => d.Properties);
        Assert.Equal([MemberStack.DiagnoseDocumentName, MemberStack.EfsEvidenceDocumentName, MemberStack.RunbookName, MemberStack.ResolvFixDocumentName],
            documents.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(app.HostScript("resolv-fix.sh").Split('\n')[5], documents[MemberStack.ResolvFixDocumentName]["Content"]!.ToJsonString(), StringComparison.Ordinal);
        var evidenceLines = documents[MemberStack.EfsEvidenceDocumentName]["Content"]!["mainSteps"]![0]!["inputs"]!["runCommand"]!.AsArray().Select(l => l!.GetValue<string>());
        Assert.Contains(app.HostScript("efs-evidence.sh"), string.Join('\n', evidenceLines), StringComparison.Ordinal);
        var hubEvidence = SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => d.Properties["Name"]!.ToJsonString().Contains("-EfsEvidence", StringComparison.Ordinal)).Properties;
        Assert.Equal(hubEvidence["Content"]!.ToJsonString(), documents[MemberStack.EfsEvidenceDocumentName]["Content"]!.ToJsonString());
        var gather = documents[MemberStack.RunbookName]["Content"]!["mainSteps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "GatherEvidence")!;
        Assert.Equal(MemberStack.EfsEvidenceDocumentName, gather["inputs"]!["DocumentName"]!.GetValue<string>());

        var association = SynthesizedApp.Single(app.Member, "AWS::SSM::Association");
        var document = SynthesizedApp.Resources(app.Member, "AWS::SSM::Document").Single(d => d.Id == association["Name"]!["Ref"]!.GetValue<string>());
        Assert.Equal(MemberStack.ResolvFixDocumentName, document.Properties["Name"]!.GetValue<string>());
        Assert.Equal("""[{"Key":"tag-key","Values":["ecs-dns-remediation:cluster"]}]""", association["Targets"]!.ToJsonString());
    }

    [Fact]
    public void MemberTemplate_RunbookRole_MaySendTheEvidenceAndHostFixDocumentsAndReadTaskDefinitions()
    {
        var statements = SynthesizedApp.Resources(app.Member, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.ToJsonString().Contains("RunbookRole", StringComparison.Ordinal))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Where(s => s!["Sid"] is not null) // CDK's topic grant (sns:Publish) sets none
            .ToDictionary(s => s!["Sid"]!.GetValue<string>(), s => s!);

        var send = statements["SendHostFix"]["Resource"]!.ToJsonString();
        Assert.Contains($":document/{MemberStack.ResolvFixDocumentName}\"", send, StringComparison.Ordinal);
        Assert.Contains($":document/{MemberStack.EfsEvidenceDocumentName}\"", send, StringComparison.Ordinal);
        Assert.DoesNotContain($":document/{MemberStack.DiagnoseDocumentName}", send, StringComparison.Ordinal);
        Assert.Equal(("ecs:DescribeTaskDefinition", "*"),
            (statements["ReadTaskDefinition"]["Action"]!.GetValue<string>(), statements["ReadTaskDefinition"]["Resource"]!.GetValue<string>()));
    }

    [Fact]
    public void MemberTemplate_RunbookRole_PublishesOnlyToTheMembersTopic()
    {
        var publish = SynthesizedApp.Resources(app.Member, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.ToJsonString().Contains("RunbookRole", StringComparison.Ordinal))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Where(s => s!["Action"]!.ToJsonString().Contains("sns:", StringComparison.Ordinal));

        var statement = Assert.Single(publish)!;
        Assert.Equal("\"sns:Publish\"", statement["Action"]!.ToJsonString());
        var topic = SynthesizedApp.Resources(app.Member, "AWS::SNS::Topic").Single().Id;
        Assert.Equal($$"""{"Ref":"{{topic}}"}""", statement["Resource"]!.ToJsonString());
    }

    /// <summary>SSM refuses a document over 64 KB, members' too: measured as CloudFormation sends it (<see cref="DocumentSizeTests"/>).</summary>
    [Fact]
    public void Templates_OfTheOrganizationSynth_EverySsmDocumentAsSentKeeps8KiBUnderSsmsLimit()
    {
        var documents = SynthesizedApp.Resources(app.Member, "AWS::SSM::Document")
            .Concat(SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document"))
            .ToList();

        Assert.Equal(8, documents.Count);
        DocumentSizeTests.AssertFits(documents, output);
    }
}

/// <summary>Without the organization keys the app has no hub: no bus, no StackSet, no member synth.</summary>
[Collection(nameof(DefaultApp))]
public class SingleAccountTests(DefaultApp app)
{
    [Fact]
    public void Synth_WithoutOrganizationKeys_HasNoHubResources()
    {
        Assert.Null(app.Stacks.Hub);
        Assert.Empty(SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::EventBus"));
        Assert.Empty(SynthesizedApp.Resources(app.RemediationJson, "AWS::CloudFormation::StackSet"));
        Assert.False(Directory.Exists(Path.Combine(((App)app.Stacks.Remediation.Node.Root).Outdir, "member.out")));
    }
}
