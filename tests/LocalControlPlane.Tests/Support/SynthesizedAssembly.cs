using LocalControlPlane.Documents;

namespace LocalControlPlane.Tests.Support;

/// <summary>The default configuration's cloud assembly (<see cref="CdkSynth.Variant"/>), loaded once for the tests that use it.</summary>
public sealed class SynthesizedAssembly
{
    public SynthesizedAssembly()
    {
        Root = Remediation.Testing.RepositoryRoot.Path;
        Directory = CdkSynth.Variant(Root, "default");
        Catalog = DocumentCatalog.Load(Directory);
    }

    public string Root { get; }

    public string Directory { get; }

    public DocumentCatalog Catalog { get; }
}
