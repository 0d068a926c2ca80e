using Remediation.Contracts;

namespace Infra.Tests;

/// <summary>
/// README.md's "What it costs" table names what each configuration creates: the priced resources the example
/// environment's templates hold are in its row, and the safe capacity's row shows the defaults the settings table has.
/// </summary>
[Collection(nameof(DefaultApp))]
public sealed class CostTableTests(DefaultApp app)
{
    static string Row(string firstCell)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Find(), "README.md"));
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "## What it costs");
        Assert.True(start >= 0, "README.md has no \"## What it costs\" section");
        return Assert.Single(lines.Skip(start).TakeWhile(l => !l.StartsWith("## Layout", StringComparison.Ordinal)),
            l => l.StartsWith($"| {firstCell} |", StringComparison.Ordinal));
    }

    /// <summary>The resource types that cost money by the hour or by volume, and the words the row uses for them.</summary>
    static readonly (string Type, string Words)[] Priced =
    [
        ("AWS::EC2::NatGateway", "NAT gateway"),
        ("AWS::EC2::EIP", "Elastic IP"),
        ("AWS::EC2::FlowLog", "flow logs"),
        ("AWS::EFS::FileSystem", "EFS"),
        ("AWS::ECS::Cluster", "Container Insights"),
        ("AWS::AutoScaling::AutoScalingGroup", "safe capacity"),
    ];

    [Fact]
    public void ExampleEnvironmentRow_NamesEachPricedResourceItsTemplateCreates()
    {
        var row = Row("`exampleEnvironment=true`");

        Assert.All(Priced, p =>
        {
            Assert.NotEmpty(SynthesizedApp.Resources(app.CapacityJson, p.Type));
            Assert.Contains(p.Words, row, StringComparison.Ordinal);
        });
        Assert.Equal("enabled", (string?)SynthesizedApp.Single(app.CapacityJson, "AWS::ECS::Cluster")["ClusterSettings"]![0]!["Value"]);
    }

    [Fact]
    public void SafeCapacityRow_ShowsTheSizeAndInstanceTypeDefaults()
    {
        var row = Row("safe capacity, per cluster served (`cluster` or `safeCapacityClusters`; not with `none`)");

        Assert.Contains($"`{Settings.SafeCapacityInstanceType.Default}`", row, StringComparison.Ordinal);
        Assert.Contains($"`safeCapacityMinSize` = {Settings.SafeCapacityMinSize.Default}", row, StringComparison.Ordinal);
        Assert.Contains($"max {Settings.SafeCapacityMaxSize.Default}", row, StringComparison.Ordinal);
    }
}
