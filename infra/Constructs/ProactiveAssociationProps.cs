using Amazon.CDK.AWS.SSM;
using Infra.Configuration;

namespace Infra.Constructs;

public sealed record ProactiveAssociationProps
{
    /// <summary>The resolv-fix Command document each run executes.</summary>
    public required CfnDocument ResolvFix { get; init; }

    public required ProactiveAction Action { get; init; }

    public required string VpcResolver { get; init; }

    /// <summary>A State Manager schedule expression, such as rate(30 minutes).</summary>
    public required string Schedule { get; init; }

    /// <summary>The association is named PREFIX-resolv-check or PREFIX-resolv-fix.</summary>
    public required string NamePrefix { get; init; }

    /// <summary>
    /// Clusters whose container instances the association targets, by their cluster tag; empty: every instance that
    /// carries the tag, whatever its value (an organization member, whose cluster names the hub cannot know).
    /// </summary>
    public required IReadOnlyList<string> Clusters { get; init; }
}
