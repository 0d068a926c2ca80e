using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Stacks;

namespace Infra.Tests;

/// <summary>
/// One hub session per member account: the access role of any Region may start the member runbook in every Region
/// and pass it that Region's runbook role, and nothing the hub may assume is a runbook role.
/// </summary>
[Collection(nameof(OrganizationApp))]
public class MemberSessionTests(OrganizationApp app)
{
    static readonly string[] Regions = ["us-east-1", "eu-west-1", "ap-southeast-5"];

    /// <summary>An IAM resource pattern (* and ? wildcards, IAM User Guide "IAM JSON policy elements: Resource") as a regex.</summary>
    static Regex Pattern(string arn) => new("^" + Regex.Escape(arn).Replace("\\*", ".*").Replace("\\?", ".") + "$");

    /// <summary>A Fn::Join of text and Refs, with the pseudo parameters set; other Refs stay as ${Name}.</summary>
    static string Resolve(JsonNode node, string region, string account = "222233334444") =>
        node is JsonObject o && o["Fn::Join"] is JsonArray join
            ? string.Join(join[0]!.GetValue<string>(), join[1]!.AsArray().Select(p => Resolve(p!, region, account)))
            : node is JsonObject r && r["Ref"] is { } name
                ? name.GetValue<string>() switch
                {
                    "AWS::Region" => region,
                    "AWS::Partition" => "aws",
                    "AWS::AccountId" => account,
                    var other => "${" + other + "}",
                }
                : node.GetValue<string>();

    JsonObject AccessStatement(string sid) =>
        SynthesizedApp.Resources(app.Member, "AWS::IAM::Policy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Single(s => s!["Sid"]?.GetValue<string>() == sid)!.AsObject();

    [Fact]
    public void AccessRole_OfAnyRegion_MayStartTheRunbookOfEveryRegion()
    {
        var statement = AccessStatement("StartRunbookInEveryRegion");

        Assert.Equal("ssm:StartAutomationExecution", statement["Action"]!.GetValue<string>());
        foreach (var own in Regions)
        {
            var allowed = Pattern(Resolve(statement["Resource"]!, own));
            foreach (var region in Regions)
                Assert.Matches(allowed, $"arn:aws:ssm:{region}:222233334444:automation-definition/{MemberStack.RunbookName}:$DEFAULT");
            Assert.DoesNotMatch(allowed, $"arn:aws:ssm:{own}:999988887777:automation-definition/{MemberStack.RunbookName}:$DEFAULT");
        }
    }

    [Fact]
    public void AccessRole_OfAnyRegion_MayPassEveryRegionsRunbookRoleToSsmOnly()
    {
        var statement = AccessStatement("PassRunbookRoleOfEveryRegion");
        var runbookRole = SynthesizedApp.Resources(app.Member, "AWS::IAM::Role")
            .Single(r => r.Id.StartsWith("RunbookRole", StringComparison.Ordinal)).Properties["RoleName"]!;

        Assert.Equal("ssm.amazonaws.com", statement["Condition"]!["StringEquals"]!["iam:PassedToService"]!.GetValue<string>());
        foreach (var own in Regions)
        {
            var allowed = Pattern(Resolve(statement["Resource"]!, own));
            foreach (var region in Regions)
                Assert.Matches(allowed, $"arn:aws:iam::222233334444:role/{Resolve(runbookRole, region)}");
        }
    }

    [Fact]
    public void HubRemediator_MayAssumeAccessRoles_ButNoRunbookRole()
    {
        var assume = SynthesizedApp.Resources(app.RemediationJson, "AWS::IAM::Policy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Single(s => s!["Sid"]?.GetValue<string>() == "AssumeMemberAccessRoles")!;
        var runbookRole = SynthesizedApp.Resources(app.Member, "AWS::IAM::Role")
            .Single(r => r.Id.StartsWith("RunbookRole", StringComparison.Ordinal)).Properties["RoleName"]!;
        var allowed = Pattern(Resolve(assume["Resource"]!, "us-east-1", "*").Replace("iam::*:", "iam::222233334444:", StringComparison.Ordinal));

        foreach (var region in Regions)
        {
            Assert.Matches(allowed, $"arn:aws:iam::222233334444:role/{MemberStack.AccessRoleNamePrefix}-{region}");
            Assert.DoesNotMatch(allowed, $"arn:aws:iam::222233334444:role/{Resolve(runbookRole, region)}");
        }
    }
}
