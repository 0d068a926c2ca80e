using Amazon.CDK;
using Infra.Configuration;
using Infra.Documents;

namespace Infra.Stacks;

public sealed record CapacityStackProps
{
    public required RemediationConfig Config { get; init; }

    public required HostScript ResolvFix { get; init; }

    public IStackProps StackProps { get; init; } = new StackProps();
}
