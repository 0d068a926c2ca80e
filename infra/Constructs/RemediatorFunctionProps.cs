using Amazon.CDK.AWS.Lambda;

namespace Infra.Constructs;

public sealed record RemediatorFunctionProps
{
    /// <summary>The published lambdas/Remediator (Program.cs bundles it; tests pass a small directory).</summary>
    public required Code Code { get; init; }

    /// <summary>
    /// The Remediator's settings (<see cref="Remediation.Contracts.Settings"/>), set as environment variables; the
    /// construct adds the runbook's and the claims table's names itself.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>The runbook the function starts.</summary>
    public required Runbook Runbook { get; init; }

    /// <summary>Concurrent executions reserved for the function; null reserves none.</summary>
    public required int? ReservedConcurrency { get; init; }
}
