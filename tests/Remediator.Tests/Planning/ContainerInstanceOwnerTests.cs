using Remediator.Planning;

namespace Remediator.Tests.Planning;

/// <summary>The container instance cross-check: an instance of another account, Region, partition or cluster is never acted on.</summary>
public sealed class ContainerInstanceOwnerTests
{
    const string Cluster = "arn:aws:ecs:us-east-1:111122223333:cluster/prod";
    const string Instance = "arn:aws:ecs:us-east-1:111122223333:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f";

    [Fact]
    public void Foreign_SameAccountRegionAndCluster_Null()
    {
        Assert.Null(ContainerInstanceOwner.Foreign(Instance, Cluster, "111122223333", "us-east-1"));
    }

    [Fact]
    public void Foreign_OldFormatArnWithoutCluster_Null()
    {
        var old = "arn:aws:ecs:us-east-1:111122223333:container-instance/5d3c8f9e-2b1a-4c6d-8e7f-9a0b1c2d3e4f";

        Assert.Null(ContainerInstanceOwner.Foreign(old, Cluster, "111122223333", "us-east-1"));
    }

    [Theory]
    [InlineData("arn:aws:ecs:us-east-1:999999999999:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f", Cluster, "111122223333", "us-east-1", "account")]
    [InlineData("arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f", Cluster, "111122223333", "us-east-1", "region")]
    [InlineData("arn:aws:ecs:us-east-1:111122223333:container-instance/other/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f", Cluster, "111122223333", "us-east-1", "cluster other")]
    [InlineData("arn:aws-cn:ecs:us-east-1:111122223333:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f", Cluster, "111122223333", "us-east-1", "partition")]
    [InlineData(Instance, "arn:aws:ecs:us-east-1:999999999999:cluster/prod", "111122223333", "us-east-1", "account")]
    [InlineData(Instance, Cluster, "999999999999", "us-east-1", "account")]
    [InlineData(Instance, Cluster, "111122223333", "eu-west-1", "region")]
    [InlineData(Instance, Cluster, null, "us-east-1", "no account or region")]
    [InlineData(Instance, Cluster, "111122223333", null, "no account or region")]
    [InlineData(Instance + "\n", Cluster, "111122223333", "us-east-1", "not a valid ARN")]
    public void Foreign_AnythingElse_SaysWhy(string instance, string cluster, string? account, string? region, string mentions)
    {
        var why = ContainerInstanceOwner.Foreign(instance, cluster, account, region);

        Assert.NotNull(why);
        Assert.Contains(mentions, why);
    }
}
