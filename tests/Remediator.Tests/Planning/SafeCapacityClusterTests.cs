using System.Text.Json.Nodes;
using Remediation.Contracts;
using Remediator.Events;
using Remediator.Planning;
using Remediator.Tests.Support;

namespace Remediator.Tests.Planning;

/// <summary>
/// RunTask with a capacity provider strategy fails unless the provider is associated with the task's cluster
/// (ECS API reference, RunTask capacityProviderStrategy: "must already be associated with the cluster"): a
/// reschedule is planned only in the clusters the deployment associated its safe capacity provider with.
/// </summary>
public class SafeCapacityClusterTests
{
    const string Standalone = "failure/ec2-awsvpc-standalone.json";

    /// <summary>The sample's own cluster, as the deployment names it.</summary>
    static string SampleCluster => (string)JsonNode.Parse(Corpus.Bytes(Standalone))!["detail"]!["clusterArn"]!;

    static RemediatorSettings Settings(string? clusters, string? accountSettings = null) => RemediatorSettings.From(key => key switch
    {
        RemediatorEnvironment.SafeCapacityProvider => "safe-capacity",
        RemediatorEnvironment.SafeCapacityClusters => clusters,
        RemediatorEnvironment.AccountSettings => accountSettings,
        _ => null,
    });

    static Plan PlanOf(byte[] json, RemediatorSettings settings) => Planner.Plan(EventParser.Parse(json), settings);

    [Fact]
    public void Plan_ClusterWhereTheSafeCapacityIsAssociated_Reschedules()
    {
        var plan = PlanOf(Corpus.Bytes(Standalone), Settings(SampleCluster));

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.NotNull(plan.FixHost);
        Assert.NotNull(plan.Reschedule);
    }

    [Fact]
    public void Plan_AnotherClusterOfTheAccount_FixesTheHostAloneAndSaysWhy()
    {
        var elsewhere = SampleCluster[..SampleCluster.LastIndexOf('/')] + "/batch";

        var plan = PlanOf(Corpus.Bytes(Standalone), Settings(elsewhere));

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.IsType<FixHost>(Assert.Single(plan.Actions));
        Assert.Contains("not rescheduled", plan.Reason, StringComparison.Ordinal);
        Assert.Contains("safe-capacity", plan.Reason, StringComparison.Ordinal);
        Assert.Contains("not associated", plan.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// A member account's cluster of the same name is not the hub's: its events get the host fix alone, even
    /// when the member's own settings turn rescheduling on. So no member reschedule goes out without the
    /// subnets and security groups that only the hub's own runbook has as defaults.
    /// </summary>
    [Fact]
    public void Plan_SameClusterNameInAMemberAccount_FixesTheHostAlone()
    {
        var member = "444455556666";
        var json = Corpus.Edited(Standalone, e =>
        {
            e["account"] = member;
            foreach (var field in new[] { "clusterArn", "containerInstanceArn", "taskArn", "taskDefinitionArn" })
                e["detail"]![field] = ((string)e["detail"]![field]!).Replace(":111122223333:", $":{member}:", StringComparison.Ordinal);
        });

        var plan = PlanOf(json, Settings(SampleCluster, $"{member}:remediate:on"));

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.IsType<FixHost>(Assert.Single(plan.Actions));
        Assert.Contains("not associated", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SeveralClustersServed_ReschedulesOntoTheProviderOfTheTasksOwnCluster()
    {
        var cluster = SampleCluster[(SampleCluster.LastIndexOf('/') + 1)..];
        var batch = SampleCluster[..SampleCluster.LastIndexOf('/')] + "/batch";

        var plan = PlanOf(Corpus.Bytes(Standalone), Settings($"{batch},{SampleCluster}"));

        Assert.Equal(SafeCapacityProviders.For("safe-capacity", cluster, 2), plan.Reschedule!.CapacityProvider);
        Assert.NotEqual(SafeCapacityProviders.For("safe-capacity", "batch", 2), plan.Reschedule.CapacityProvider);
        Assert.Contains(plan.Reschedule.CapacityProvider, plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoClustersKnown_ReschedulesAsTheProviderAlone()
    {
        var plan = PlanOf(Corpus.Bytes(Standalone), Settings(null));

        Assert.NotNull(plan.Reschedule);
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("arn:aws:ecs:us-east-1:111122223333:service/prod/app")]
    public void From_ClusterThatIsNotAClusterArn_FailsNamingTheVariable(string value)
    {
        var error = Assert.Throws<SettingsException>(() => Settings(value));

        Assert.Contains(RemediatorEnvironment.SafeCapacityClusters, error.Message, StringComparison.Ordinal);
    }
}
