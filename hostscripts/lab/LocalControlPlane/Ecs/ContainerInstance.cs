namespace LocalControlPlane.Ecs;

/// <summary>A registered container instance: its EC2 instance, attributes, and capacity provider.</summary>
public sealed record ContainerInstance
{
    public required string Arn { get; init; }

    public required string ClusterArn { get; init; }

    public required string Ec2InstanceId { get; init; }

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public string? CapacityProvider { get; init; }
}
