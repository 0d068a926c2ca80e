using Infra.Configuration;
using Infra.Stacks;

namespace Infra.Constructs;

public sealed record OrganizationHubProps
{
    public required OrganizationConfig Organization { get; init; }

    /// <summary>The hub's own remediation stack: its Remediator serves the organization.</summary>
    public required RemediationStack Remediation { get; init; }

    /// <summary>The member template file (<see cref="MemberStack.Synthesize"/>), published as an asset for the StackSet.</summary>
    public required string MemberTemplateFile { get; init; }
}
