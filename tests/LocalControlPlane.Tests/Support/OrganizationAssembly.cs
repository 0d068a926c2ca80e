using LocalControlPlane.Documents;
using LocalControlPlane.Templates;

namespace LocalControlPlane.Tests.Support;

/// <summary>
/// The organization configuration's cloud assembly (<see cref="CdkSynth.Variant"/>), once for the tests that use it:
/// the member template's own assembly (member.out) loaded as one member account and Region of the organization
/// (one of the variant's organizationRegions) sees it.
/// </summary>
public sealed class OrganizationAssembly
{
    public const string MemberAccount = "222233334444";
    public const string MemberRegion = "eu-west-1";

    public OrganizationAssembly()
    {
        Root = Remediation.Testing.RepositoryRoot.Path;
        var directory = CdkSynth.Variant(Root, "organization");
        Member = DocumentCatalog.Load(Path.Combine(directory, "member.out"), new LocalAccount { AccountId = MemberAccount, Region = MemberRegion });
    }

    public string Root { get; }

    /// <summary>The member part's documents and topic, with every ARN in the member's account and Region.</summary>
    public DocumentCatalog Member { get; }
}
