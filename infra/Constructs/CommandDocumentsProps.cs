using Infra.Documents;

namespace Infra.Constructs;

public sealed record CommandDocumentsProps
{
    /// <summary>
    /// The documents are named PREFIX-ResolvFix, PREFIX-DiagnoseTaskNetns and PREFIX-EfsEvidence
    /// (<see cref="Remediation.Contracts.RemediationDocuments"/>): the stack's name, or the member stack's fixed prefix.
    /// </summary>
    public required string NamePrefix { get; init; }

    public required HostScript ResolvFix { get; init; }

    public required HostScript DiagnoseTaskNetns { get; init; }

    public required HostScript EfsEvidence { get; init; }

    /// <summary>The documents' default Resolver parameter.</summary>
    public required string VpcResolver { get; init; }
}
