using Remediation.Contracts;

namespace Remediator.Tests.Contracts;

/// <summary>The ECS identifier validators.</summary>
public sealed class EcsNamesTests
{
    const string Cluster = "arn:aws:ecs:us-east-1:111122223333:cluster/prod";
    const string Instance = "arn:aws:ecs:us-east-1:111122223333:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f";
    const string Task = "arn:aws:ecs:us-east-1:111122223333:task/prod/00000000000000000000000000000001";
    const string TaskDefinition = "arn:aws:ecs:us-east-1:111122223333:task-definition/app:7";

    public static TheoryData<string, string> Valid => new()
    {
        { "cluster-arn", Cluster },
        { "cluster-name", "prod" },
        { "container-instance", Instance },
        { "task", Task },
        { "task-definition", TaskDefinition },
        { "subnet", "subnet-0a1b2c3d4e5f60718" },
        { "capacity-provider", "safe-capacity" },
        { "group", "family:app" },
    };

    static bool Check(string kind, string value) => kind switch
    {
        "cluster-arn" => EcsNames.IsClusterArn(value),
        "cluster-name" => EcsNames.ClusterName(value) is not null,
        "container-instance" => EcsNames.IsContainerInstanceArn(value),
        "task" => EcsNames.IsTaskArn(value),
        "task-definition" => EcsNames.IsTaskDefinitionArn(value),
        "subnet" => EcsNames.IsSubnetId(value),
        "capacity-provider" => EcsNames.IsCapacityProviderName(value),
        "group" => EcsNames.IsGroup(value),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Validators_CleanValue_Accepted(string kind, string value)
    {
        Assert.True(Check(kind, value));
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Validators_TrailingNewline_Rejected(string kind, string value)
    {
        Assert.False(Check(kind, value + "\n"));
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Validators_NonAsciiDigit_Rejected(string kind, string value)
    {
        // The value's last ASCII digit (or, without one, its last character) becomes ARABIC-INDIC DIGIT SEVEN.
        var at = value.LastIndexOfAny("0123456789".ToCharArray());
        var edited = at >= 0 ? value[..at] + "\u0667" + value[(at + 1)..] : value[..^1] + "\u0667";

        Assert.False(Check(kind, edited));
    }

    [Fact]
    public void IsTaskDefinitionArn_FullwidthRevision_Rejected()
    {
        Assert.False(EcsNames.IsTaskDefinitionArn("arn:aws:ecs:us-east-1:111122223333:task-definition/app:\uFF17"));
    }
}
