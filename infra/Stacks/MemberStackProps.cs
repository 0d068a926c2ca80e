using Infra.Configuration;
using Infra.Documents;

namespace Infra.Stacks;

public sealed record MemberStackProps
{
    public required RemediationConfig Config { get; init; }

    public required HostScript ResolvFix { get; init; }

    public required HostScript DiagnoseTaskNetns { get; init; }

    public required HostScript EfsEvidence { get; init; }
}
