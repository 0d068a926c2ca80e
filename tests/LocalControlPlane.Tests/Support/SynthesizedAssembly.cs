using LocalControlPlane.Documents;

namespace LocalControlPlane.Tests.Support;

/// <summary>
/// The repository's synthesized cloud assembly, loaded once for the tests that use it. The repository's cdk.out
/// is used when it is newer than every source synth reads (infra/, hostscripts/, cdk.json); otherwise
/// `npx cdk synth` runs once into a temporary directory (slow: about a minute and a half).
/// </summary>
public sealed class SynthesizedAssembly : IDisposable
{
    readonly string? temporary;

    public SynthesizedAssembly()
    {
        Root = Remediation.Testing.RepositoryRoot.Path;
        var existing = Path.Combine(Root, "cdk.out");
        if (IsFresh(Root, existing))
        {
            Directory = existing;
        }
        else
        {
            temporary = Path.Combine(Path.GetTempPath(), "local-control-plane-synth-" + Guid.NewGuid().ToString("N"));
            CdkSynth.Run(Root, temporary);
            Directory = temporary;
        }
        Catalog = DocumentCatalog.Load(Directory);
    }

    public string Root { get; }

    public string Directory { get; }

    public DocumentCatalog Catalog { get; }

    public void Dispose()
    {
        if (temporary is not null && System.IO.Directory.Exists(temporary)) System.IO.Directory.Delete(temporary, recursive: true);
    }

    /// <summary>
    /// Whether <paramref name="cdkOut"/> is newer than every source synth reads: the app, the host scripts, and the
    /// function's projects (its code is bundled at synth), with the build inputs at the root.
    /// </summary>
    internal static bool IsFresh(string root, string cdkOut)
    {
        var manifest = new FileInfo(Path.Combine(cdkOut, "manifest.json"));
        if (!manifest.Exists) return false;
        var sources = new[] { "infra", "hostscripts", "lambdas" }
            .Select(d => Path.Combine(root, d))
            .Where(System.IO.Directory.Exists)
            .SelectMany(d => System.IO.Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(root, "cdk.json"))
            .Concat(new[] { "Directory.Build.props", "Directory.Build.targets", "global.json" }.Select(f => Path.Combine(root, f)).Where(File.Exists));
        return sources.All(f => File.GetLastWriteTimeUtc(f) <= manifest.LastWriteTimeUtc);
    }
}
