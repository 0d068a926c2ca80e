using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.ECS;
using Infra.Constructs;

namespace Infra.Tests;

public class DnsSafePlacementTests
{
    const string Expression = "attribute:dns.local-resolver == none";

    static readonly CfnTaskDefinition.VolumeProperty EfsVolume = new()
    {
        Name = "data",
        EfsVolumeConfiguration = new CfnTaskDefinition.EFSVolumeConfigurationProperty { FilesystemId = "fs-0123456789abcdef0" },
    };

    static readonly CfnTaskDefinition.ContainerDefinitionProperty Container = new() { Name = "app", Image = "busybox", Memory = 128 };

    /// <summary>A stack with four task definitions (awsvpc+EFS, bridge+EFS, awsvpc only, awsvpc+EFS with a constraint) and services on two of them.</summary>
    static Template Synthesize()
    {
        var app = new App();
        var stack = new Stack(app, "Workloads");
        var atRisk = new CfnTaskDefinition(stack, "AtRisk", new CfnTaskDefinitionProps { NetworkMode = "awsvpc", Volumes = new object[] { EfsVolume }, ContainerDefinitions = new object[] { Container } });
        _ = new CfnTaskDefinition(stack, "Bridge", new CfnTaskDefinitionProps { NetworkMode = "bridge", Volumes = new object[] { EfsVolume }, ContainerDefinitions = new object[] { Container } });
        var noEfs = new CfnTaskDefinition(stack, "NoEfs", new CfnTaskDefinitionProps { NetworkMode = "awsvpc", ContainerDefinitions = new object[] { Container } });
        _ = new CfnTaskDefinition(stack, "Constrained", new CfnTaskDefinitionProps
        {
            NetworkMode = "awsvpc",
            Volumes = new object[] { EfsVolume },
            ContainerDefinitions = new object[] { Container },
            PlacementConstraints = new object[] { new CfnTaskDefinition.TaskDefinitionPlacementConstraintProperty { Type = "memberOf", Expression = "attribute:ecs.os-type == linux" } },
        });
        _ = new CfnService(stack, "AtRiskService", new CfnServiceProps { Cluster = "prod", TaskDefinition = atRisk.Ref, LaunchType = "EC2", DesiredCount = 1 });
        _ = new CfnService(stack, "OtherService", new CfnServiceProps { Cluster = "prod", TaskDefinition = noEfs.Ref, LaunchType = "EC2", DesiredCount = 1 });
        Aspects.Of(stack).Add(new DnsSafePlacement("dns-safe-capacity"));
        return Template.FromStack(stack);
    }

    static readonly Lazy<Template> Workloads = new(Synthesize);

    static IDictionary<string, object> Properties(string logicalId)
    {
        var resources = (IDictionary<string, object>)Workloads.Value.ToJSON()["Resources"];
        var resource = (IDictionary<string, object>)resources[logicalId];
        return (IDictionary<string, object>)resource["Properties"];
    }

    static string Json(object? value) => System.Text.Json.JsonSerializer.Serialize(value);

    [Fact]
    public void Visit_AwsvpcWithEfs_AddsTheConstraint()
    {
        Assert.Equal($$"""[{"Expression":"{{Expression}}","Type":"memberOf"}]""", Json(Properties("AtRisk")["PlacementConstraints"]));
    }

    [Fact]
    public void Visit_ExistingConstraints_KeepsThemAndAppends()
    {
        Assert.Equal($$"""[{"Expression":"attribute:ecs.os-type == linux","Type":"memberOf"},{"Expression":"{{Expression}}","Type":"memberOf"}]""", Json(Properties("Constrained")["PlacementConstraints"]));
    }

    [Theory]
    [InlineData("Bridge")]
    [InlineData("NoEfs")]
    public void Visit_NotAwsvpcOrNoEfs_LeavesTheTaskDefinitionUntouched(string logicalId)
    {
        Assert.False(Properties(logicalId).ContainsKey("PlacementConstraints"));
    }

    [Fact]
    public void Visit_ServiceOnAtRiskTaskDefinition_GetsTheSafeCapacityStrategyInsteadOfTheLaunchType()
    {
        var service = Properties("AtRiskService");

        Assert.Equal("""[{"CapacityProvider":"dns-safe-capacity","Weight":1}]""", Json(service["CapacityProviderStrategy"]));
        Assert.False(service.ContainsKey("LaunchType"));
    }

    [Fact]
    public void Visit_ServiceOnOtherTaskDefinition_KeepsItsLaunchType()
    {
        var service = Properties("OtherService");

        Assert.Equal("EC2", service["LaunchType"]);
        Assert.False(service.ContainsKey("CapacityProviderStrategy"));
    }
}
