using LocalControlPlane.Documents;
using LocalControlPlane.Templates;

namespace LocalControlPlane.Tests.Support;

/// <summary>
/// `npx cdk synth` with the organization keys, once for the tests that use it (about half a minute): the hub's
/// cloud assembly, and the member template's own assembly (member.out) loaded as one member account and Region
/// of the organization sees it.
/// </summary>
public sealed class OrganizationAssembly : IDisposable
{
    public const string MemberAccount = "222233334444";
    public const string MemberRegion = "eu-west-1";

    readonly string directory = Path.Combine(Path.GetTempPath(), "local-control-plane-org-" + Guid.NewGuid().ToString("N"));

    public OrganizationAssembly()
    {
        Root = Remediation.Testing.RepositoryRoot.Path;
        CdkSynth.Run(Root, directory,
            "remediation:organizationId=o-a1b2c3d4e5",
            "remediation:organizationTargets=ou-ab12-cdef3456",
            $"remediation:organizationRegions=us-east-1,{MemberRegion}");
        Member = DocumentCatalog.Load(Path.Combine(directory, "member.out"), new LocalAccount { AccountId = MemberAccount, Region = MemberRegion });
    }

    public string Root { get; }

    /// <summary>The member part's documents and topic, with every ARN in the member's account and Region.</summary>
    public DocumentCatalog Member { get; }

    public void Dispose()
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
