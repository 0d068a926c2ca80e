using Amazon.CDK;
using Infra.Bundling;

namespace Infra.Tests;

/// <summary>
/// The function's asset hash decides whether a deploy ships new code. Judged on copies of the repository's own
/// projects, synthesized with bundling skipped (context aws:cdk:bundling-stacks empty), so no publish runs.
/// </summary>
public sealed class RemediatorCodeTests : IDisposable
{
    readonly string scratch = Directory.CreateTempSubdirectory("remediator-code-").FullName;

    [Fact]
    public void AssetHash_AChangeInAReferencedProjectOnly_IsANewAsset()
    {
        var before = CopyOfRepository("before");
        var after = CopyOfRepository("after");
        File.AppendAllText(Path.Combine(after, "lambdas", "Remediation.Contracts", "RemediatorEnvironment.cs"), "\n// changed\n");

        Assert.NotEqual(AssetHash(before), AssetHash(after));
    }

    [Fact]
    public void AssetHash_ABuildInputAboveTheProjects_IsANewAsset()
    {
        var before = CopyOfRepository("before");
        var after = CopyOfRepository("after");
        File.AppendAllText(Path.Combine(after, "Directory.Build.props"), "\n<!-- changed -->\n");

        Assert.NotEqual(AssetHash(before), AssetHash(after));
    }

    [Fact]
    public void AssetHash_BuildOutputOrAProjectTheFunctionDoesNotCompile_IsTheSameAsset()
    {
        var before = CopyOfRepository("before");
        var after = CopyOfRepository("after");
        foreach (var project in new[] { "Remediator", "Remediation.Contracts" })
        {
            Directory.CreateDirectory(Path.Combine(after, "lambdas", project, "obj"));
            File.WriteAllText(Path.Combine(after, "lambdas", project, "obj", "project.assets.json"), "{}");
        }
        File.WriteAllText(Path.Combine(after, "lambdas", "Remediator.Cli", "Program.cs"), "// another program");

        Assert.Equal(AssetHash(before), AssetHash(after));
    }

    [Fact]
    public void ProjectDirectories_TheFunction_AreItsProjectAndTheContracts()
    {
        var root = RepositoryRoot.Find();

        var dirs = RemediatorCode.ProjectDirectories(Path.Combine(root, "lambdas", "Remediator", "Remediator.csproj"));

        Assert.Equal(["Remediation.Contracts", "Remediator"], dirs.Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>The object key of the function's code (HASH.zip) in an app that does not bundle.</summary>
    static string AssetHash(string root)
    {
        var app = new App(new AppProps
        {
            Outdir = Path.Combine(root, "cdk.out"),
            Context = new Dictionary<string, object> { ["aws:cdk:bundling-stacks"] = Array.Empty<string>() },
        });
        var stack = new Stack(app, "Code");
        return RemediatorCode.FromRepository(root).Bind(stack).S3Location!.ObjectKey;
    }

    /// <summary>The repository's lambdas/ and root build inputs, without build output, under a new root.</summary>
    string CopyOfRepository(string name)
    {
        var source = RepositoryRoot.Find();
        var target = Path.Combine(scratch, name);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(source, "lambdas"), "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
        File.Copy(Path.Combine(source, "Directory.Build.props"), Path.Combine(target, "Directory.Build.props"));
        return target;
    }

    public void Dispose() => Directory.Delete(scratch, recursive: true);
}
