using Amazon.CDK;
using Infra.Configuration;

namespace Infra.Stacks;

public sealed record CapacityStackProps
{
    public required RemediationConfig Config { get; init; }

    /// <summary>The repository root: the safe capacity reads its host scripts from hostscripts/.</summary>
    public required string RepositoryRoot { get; init; }

    public IStackProps StackProps { get; init; } = new StackProps();
}
