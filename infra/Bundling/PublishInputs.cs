using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Infra.Bundling;

/// <summary>
/// The files `dotnet publish` reads from the repository for one project: its folder, the folders of the projects it
/// references (transitively, from each project file's ProjectReference items), and the MSBuild and SDK settings
/// files in those folders or above them up to the repository root (MSBuild imports Directory.Build.props and
/// Directory.Build.targets from the nearest folder above a project; global.json and NuGet.config are found the
/// same way). Build outputs (bin, obj) are left out. Packages are pinned by version in the project files.
/// </summary>
public static class PublishInputs
{
    static readonly string[] Settings =
        ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config"];

    static readonly string[] Outputs = ["bin", "obj"];

    /// <summary>A SHA-256 over the inputs' paths (relative to <paramref name="repositoryRoot"/>) and contents.</summary>
    public static string Fingerprint(string projectFile, string repositoryRoot)
    {
        var root = Path.GetFullPath(repositoryRoot);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Files(Path.GetFullPath(projectFile), root)
                     .Select(f => (Relative: Path.GetRelativePath(root, f).Replace('\\', '/'), Full: f))
                     .OrderBy(f => f.Relative, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file.Relative + "\0"));
            sha.AppendData(SHA256.HashData(File.ReadAllBytes(file.Full)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    static HashSet<string> Files(string projectFile, string root)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var project in Closure(projectFile))
        {
            var folder = Path.GetDirectoryName(project)!;
            files.UnionWith(SourceFiles(folder));
            for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
            {
                files.UnionWith(Settings.Select(s => Path.Combine(dir.FullName, s)).Where(File.Exists));
                if (string.Equals(dir.FullName.TrimEnd(Path.DirectorySeparatorChar), root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
                    break;
            }
        }
        return files;
    }

    /// <summary>The project and every project it references, directly or not.</summary>
    static IEnumerable<string> Closure(string projectFile)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([projectFile]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project)) continue;
            var folder = Path.GetDirectoryName(project)!;
            foreach (var reference in XDocument.Load(project).Descendants()
                         .Where(e => e.Name.LocalName == "ProjectReference")
                         .Select(e => (string?)e.Attribute("Include"))
                         .OfType<string>())
                pending.Push(Path.GetFullPath(Path.Combine(folder, reference.Replace('\\', Path.DirectorySeparatorChar))));
        }
        return seen;
    }

    static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder)
            .Concat(Directory.EnumerateDirectories(folder)
                .Where(d => !Outputs.Contains(Path.GetFileName(d), StringComparer.OrdinalIgnoreCase))
                .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)));
}
