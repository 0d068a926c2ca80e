using Amazon.CDK.AWS.Lambda;

namespace Infra.Constructs;

public sealed record RemediatorFunctionProps
{
    /// <summary>The published lambdas/Remediator (Program.cs bundles it; tests pass a small directory).</summary>
    public required Code Code { get; init; }

    /// <summary>The Remediator's settings (<see cref="RemediatorEnvironment"/>), set as environment variables.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>Concurrent executions reserved for the function; null reserves none.</summary>
    public int? ReservedConcurrency { get; init; }
}
