using System.Text.Json.Nodes;
using Remediation.Contracts;
using Remediator.Planning;

namespace Infra.Tests;

/// <summary>
/// remediation:safeCapacityClusters=none (the organization hub's fixture): the host fix and the proactive association
/// only. Nothing of the safe capacity is built, nothing depends on it, and the function does not reschedule.
/// </summary>
[Collection(nameof(OrganizationApp))]
public sealed class SafeCapacityOffTests(OrganizationApp app)
{
    [Fact]
    public void App_SafeCapacityOff_BuildsNoCapacityStackAndNoCapacityProvider()
    {
        var templates = app.Templates;

        Assert.Null(app.Stacks.Capacity);
        Assert.DoesNotContain(AppStacks.CapacityStackName + ".template.json", templates.Keys);
        foreach (var type in new[] { "AWS::ECS::CapacityProvider", "AWS::ECS::ClusterCapacityProviderAssociations", "AWS::AutoScaling::AutoScalingGroup", "AWS::EC2::VPC", "AWS::EC2::NatGateway", "AWS::ECS::Cluster" })
            Assert.All(templates, t => Assert.Empty(SynthesizedApp.Resources(t.Value, type)));
        Assert.Empty(app.Stacks.Remediation.Dependencies);
    }

    [Fact]
    public void Function_SafeCapacityOff_DoesNotReschedule()
    {
        var variables = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function")["Environment"]!["Variables"]!.AsObject();
        var plain = variables.Where(v => v.Value is JsonValue).ToDictionary(v => v.Key, v => (string?)v.Value);

        var settings = RemediatorSettings.From(key => plain.GetValueOrDefault(key));

        Assert.False(settings.Reschedule);
        Assert.False(variables.ContainsKey(RemediatorEnvironment.SafeCapacityClusters));
    }

    /// <summary>No cluster is named at all: the association checks every instance that carries the cluster tag.</summary>
    [Fact]
    public void Association_NoClusterNamed_TargetsEveryTaggedInstance()
    {
        var target = Assert.Single(SynthesizedApp.Single(app.RemediationJson, "AWS::SSM::Association")["Targets"]!.AsArray())!;

        Assert.Equal("tag-key", (string?)target["Key"]);
        Assert.Equal([InstanceTags.Cluster], target["Values"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public void NotificationRules_SafeCapacityOff_WatchNoSafeCapacityAlarm()
    {
        Assert.DoesNotContain(SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule"),
            r => r.Id.StartsWith("NotificationRulesSafeCapacityAlarm", StringComparison.Ordinal));
    }
}
