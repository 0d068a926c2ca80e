using Infra.Documents;

namespace Infra.Constructs;

public sealed record CommandDocumentsProps
{
    public required HostScript ResolvFix { get; init; }

    public required HostScript DiagnoseTaskNetns { get; init; }

    public required HostScript EfsEvidence { get; init; }

    /// <summary>The documents' default Resolver parameter.</summary>
    public required string VpcResolver { get; init; }
}
