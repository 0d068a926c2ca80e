using static Remediation.Testing.Plans;
using Remediation.Contracts;
using System.Text.Json.Nodes;
using Remediator.Events;
using Remediator.Planning;
using Remediator.Tests.Support;

namespace Remediator.Tests.Planning;

/// <summary>Event text that a loose validator let through to an action, and instances the event does not vouch for.</summary>
public sealed class ForeignInstancePlannerTests
{
    const string Service = "failure/ec2-awsvpc-service.json";

    [Theory]
    [InlineData("account", "999999999999")]
    [InlineData("region", "eu-west-1")]
    public void Plan_InstanceOutsideTheEventsAccountOrRegion_Notifies(string envelopeField, string value)
    {
        var plan = PlanOf(Corpus.Edited(Service, e => e[envelopeField] = value), WithReschedule());

        Assert.Equal(Decision.Notify, plan.Decision);
        Assert.Equal(Cause.InvalidEventField, plan.Cause);
        Assert.Contains(envelopeField, plan.Reason);
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void Plan_InstanceOfAnotherCluster_Notifies()
    {
        var plan = PlanOf(Corpus.Edited(Service, e => e["detail"]!["containerInstanceArn"] =
            "arn:aws:ecs:us-east-1:111122223333:container-instance/staging/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f"), WithReschedule());

        Assert.Equal(Decision.Notify, plan.Decision);
        Assert.Contains("cluster staging", plan.Reason);
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void Plan_InstanceArnWithTrailingNewline_NotifiesAndNeverReachesAnAction()
    {
        var plan = PlanOf(Corpus.Edited(Service, e => e["detail"]!["containerInstanceArn"] =
            "arn:aws:ecs:us-east-1:111122223333:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f\n"), WithReschedule());

        Assert.Equal(Decision.Notify, plan.Decision);
        Assert.Empty(plan.Actions);
    }

    [Theory]
    [InlineData("group", "family:app\n")]
    [InlineData("taskDefinitionArn", "arn:aws:ecs:us-east-1:111122223333:task-definition/app:\u0667")]
    public void Plan_RescheduleFieldWithNewlineOrUnicodeDigit_NotRescheduled(string field, string value)
    {
        var plan = PlanOf(Corpus.Edited("failure/ec2-awsvpc-standalone.json", e => e["detail"]![field] = value), WithReschedule());

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.Null(plan.Reschedule);
    }

    [Fact]
    public void Plan_SubnetWithTrailingNewline_LeftOutOfTheReschedule()
    {
        var plan = PlanOf(Corpus.Edited("failure/ec2-awsvpc-standalone.json", e => e["detail"]!["attachments"]![0]!["details"]!.AsArray()
            .Single(d => d!["name"]!.GetValue<string>() == "subnetId")!["value"] = "subnet-0a1b2c3d4e5f60718\n"), WithReschedule());

        Assert.Empty(plan.Reschedule!.Subnets);
    }
}
