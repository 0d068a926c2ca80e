using Amazon.CDK;

namespace Infra.Stacks;

public sealed record SandboxStackProps
{
    public IStackProps StackProps { get; init; } = new StackProps();
}
