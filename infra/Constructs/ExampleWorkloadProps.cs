using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;

namespace Infra.Constructs;

public sealed record ExampleWorkloadProps
{
    public required IVpc Vpc { get; init; }

    public required ICluster Cluster { get; init; }

    public required ISecurityGroup TaskSecurityGroup { get; init; }

    /// <summary>How many tasks the service runs (0 keeps the example free until someone scales it).</summary>
    public required int DesiredCount { get; init; }
}
