using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;

namespace Infra.Bundling;

/// <summary>The Remediator function's code: lambdas/Remediator published for linux-arm64 during synth.</summary>
public static class RemediatorCode
{
    /// <summary>Files above a project that MSBuild and dotnet read into every build beneath them.</summary>
    static readonly string[] BuildInputs = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config"];

    public static Code FromRepository(string repositoryRoot)
    {
        var projectDir = Path.Combine(repositoryRoot, "lambdas", "Remediator");
        var projectFile = Path.Combine(projectDir, "Remediator.csproj");
        return Code.FromAsset(projectDir, new Amazon.CDK.AWS.S3.Assets.AssetOptions
        {
            // The hash of what the function compiles, not of the output: an unchanged function is not published
            // again, and a change in a referenced project (Remediation.Contracts) is a new asset.
            AssetHashType = AssetHashType.CUSTOM,
            AssetHash = SourceHash(repositoryRoot, projectFile),
            Exclude = ["bin", "obj"],
            Bundling = new BundlingOptions
            {
                Image = DockerImage.FromRegistry("unused-local-bundling"),
                Local = new DotnetPublishBundling(projectFile),
            },
        });
    }

    /// <summary>
    /// SHA-256 over every source file of <paramref name="projectFile"/> and of the projects it references,
    /// transitively (bin and obj left out), the build inputs above them up to <paramref name="repositoryRoot"/>,
    /// and the publish options: each file by its path relative to the root, so a move counts as a change.
    /// </summary>
    public static string SourceHash(string repositoryRoot, string projectFile)
    {
        var root = Path.GetFullPath(repositoryRoot);
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var dir in ProjectDirectories(projectFile))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var inProject = Path.GetRelativePath(dir, file).Split(Path.DirectorySeparatorChar);
                if (inProject[0] is not ("bin" or "obj"))
                    files.Add(Path.GetRelativePath(root, file));
            }
            for (var up = Path.GetDirectoryName(dir); up is not null && up.StartsWith(root, StringComparison.Ordinal); up = Path.GetDirectoryName(up))
                foreach (var input in BuildInputs.Select(name => Path.Combine(up, name)).Where(File.Exists))
                    files.Add(Path.GetRelativePath(root, input));
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(string.Join(' ', DotnetPublishBundling.PublishOptions) + "\0"));
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(root, file));
            sha.AppendData(Encoding.UTF8.GetBytes($"{file.Replace('\\', '/')}\0{bytes.Length}\0"));
            sha.AppendData(bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The directories of <paramref name="projectFile"/> and of every project it references, transitively.</summary>
    public static IReadOnlyList<string> ProjectDirectories(string projectFile)
    {
        var seen = new List<string>();
        var pending = new Stack<string>([Path.GetFullPath(projectFile)]);
        while (pending.TryPop(out var project))
        {
            var dir = Path.GetDirectoryName(project)!;
            if (seen.Contains(dir)) continue;
            seen.Add(dir);
            foreach (var reference in XDocument.Load(project).Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
            {
                var include = reference.Attribute("Include")?.Value
                    ?? throw new InvalidOperationException($"{project}: a ProjectReference without Include");
                pending.Push(Path.GetFullPath(Path.Combine(dir, include.Replace('\\', Path.DirectorySeparatorChar))));
            }
        }
        return seen;
    }
}
