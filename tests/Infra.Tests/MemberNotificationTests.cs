using System.Text.Json.Nodes;
using Infra.Stacks;

namespace Infra.Tests;

/// <summary>
/// A member runbook that notifies and ends Success (healthy, not the local resolver, no verdict, no task
/// definition) publishes to the member's own topic, in the member's region, which nobody subscribes to. Its
/// step events reach the hub's operators instead: forwarded to the hub bus like the failure candidates, and
/// from there to the hub's topic. Judged with moto's pattern engine on the event shape of the Systems Manager
/// user guide ("Amazon EventBridge event examples for Systems Manager", Automation Step Status-change Notification).
/// </summary>
[Collection(nameof(OrganizationApp))]
public class MemberNotificationTests(OrganizationApp app)
{
    static JsonObject StepEvent(string stepName, string status, string definition = MemberStack.RunbookName) => JsonNode.Parse($$"""
        {
          "version": "0",
          "id": "eeca120b-a321-433e-9635-dab369006a6b",
          "detail-type": "EC2 Automation Step Status-change Notification",
          "source": "aws.ssm",
          "account": "444455556666",
          "time": "2024-11-29T19:43:35Z",
          "region": "eu-west-1",
          "resources": ["arn:aws:ssm:eu-west-1:444455556666:automation-execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c",
                        "arn:aws:ssm:eu-west-1:444455556666:automation-definition/{{definition}}:1"],
          "detail": {
            "ExecutionId": "333ba70b-2333-48db-b17e-a5e69c6f4d1c",
            "Definition": "{{definition}}",
            "DefinitionVersion": 1.0,
            "Status": "{{status}}",
            "EndTime": "Nov 29, 2024 7:43:25 PM",
            "StartTime": "Nov 29, 2024 7:43:23 PM",
            "Time": 2630.0,
            "StepName": "{{stepName}}",
            "Action": "aws:executeAwsApi"
          }
        }
        """)!.AsObject();

    /// <summary>The member runbook's steps that publish a notification.</summary>
    IReadOnlyList<string> MemberPublishSteps() =>
        SynthesizedApp.Resources(app.Member, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["Name"] == MemberStack.RunbookName).Properties["Content"]!["mainSteps"]!.AsArray()
            .Where(s => (string?)s!["inputs"]!["Api"] == "Publish")
            .Select(s => (string)s!["name"]!)
            .ToList();

    /// <summary>The member's rule that sends step events to the hub bus.</summary>
    JsonObject MemberForwardingRule() =>
        Assert.Single(SynthesizedApp.Resources(app.Member, "AWS::Events::Rule"),
            r => r.Properties["EventPattern"]!["detail-type"]![0]!.GetValue<string>() == "EC2 Automation Step Status-change Notification").Properties;

    /// <summary>The hub's rule on its bus that sends member step events to the hub topic.</summary>
    JsonObject HubRule() =>
        Assert.Single(SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule"),
            r => r.Properties["EventBusName"] is not null
                 && r.Properties["EventPattern"]!["detail-type"]![0]!.GetValue<string>() == "EC2 Automation Step Status-change Notification").Properties;

    [Fact]
    public void MemberRule_EveryPublishingStepThatSucceeded_GoesToTheHubBus()
    {
        var rule = MemberForwardingRule();
        var steps = MemberPublishSteps();

        Assert.True(steps.Count >= 4, string.Join(",", steps));
        Assert.All(steps, step => Assert.True(EventPatternTests.Matches(rule["EventPattern"]!, StepEvent(step, "Success")), step));
        Assert.Equal($$"""{"Ref":"{{MemberStack.HubEventBusParameter}}"}""", rule["Targets"]![0]!["Arn"]!.ToJsonString());
    }

    [Theory]
    [InlineData("FixHost", "Success")]
    [InlineData("GatherEvidence", "Success")]
    [InlineData("NotifyHealthy", "Failed")]
    public void MemberRule_StepsThatNotifyNobody_StayInTheMember(string step, string status)
    {
        Assert.False(EventPatternTests.Matches(MemberForwardingRule()["EventPattern"]!, StepEvent(step, status)));
    }

    [Fact]
    public void MemberRule_AnotherRunbooksNotifyStep_StaysInTheMember()
    {
        Assert.False(EventPatternTests.Matches(MemberForwardingRule()["EventPattern"]!, StepEvent("NotifyHealthy", "Success", "SomeoneElses-Runbook")));
    }

    [Fact]
    public void HubRule_MemberNotifications_GoToTheHubTopicNamingAccountRegionAndStep()
    {
        var rule = HubRule();

        Assert.All(MemberPublishSteps(), step => Assert.True(EventPatternTests.Matches(rule["EventPattern"]!, StepEvent(step, "Success")), step));
        var target = Assert.Single(rule["Targets"]!.AsArray())!;
        Assert.StartsWith("{\"Ref\":\"NotificationsTopic", target["Arn"]!.ToJsonString(), StringComparison.Ordinal);
        var message = target["InputTransformer"]!["InputTemplate"]!.GetValue<string>();
        foreach (var field in new[] { "<detail-StepName>", "<account>", "<region>", "<detail-ExecutionId>" })
            Assert.Contains(field, message, StringComparison.Ordinal);
    }
}
