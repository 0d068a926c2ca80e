using Amazon.CDK;
using Infra.Bundling;

namespace Infra.Tests;

/// <summary>
/// The function's asset hash decides whether `cdk deploy` uploads new code and whether a synth publishes again
/// (CDK reuses cdk.out/asset.&lt;hash&gt;): it must change with every file the publish reads, and only with those.
/// Each test builds a small repository of its own; bundling is skipped (context aws:cdk:bundling-stacks empty), which
/// leaves the hash as CDK computes it for a bundled asset.
/// </summary>
public sealed class RemediatorCodeTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("remediator-code-").FullName;

    public RemediatorCodeTests()
    {
        Write("Directory.Build.props", "<Project><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        Write("lambdas/Remediator/Remediator.csproj",
            """<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><ProjectReference Include="..\Remediation.Contracts\Remediation.Contracts.csproj" /></ItemGroup></Project>""");
        Write("lambdas/Remediator/Function.cs", "public static class Function { }");
        Write("lambdas/Remediation.Contracts/Remediation.Contracts.csproj", """<Project Sdk="Microsoft.NET.Sdk" />""");
        Write("lambdas/Remediation.Contracts/Names.cs", "public static class Names { public const string Mode = \"MODE\"; }");
        Write("lambdas/Remediator.Cli/Program.cs", "return 0;");
    }

    [Fact]
    public void AssetHash_ReferencedProjectSourceChanged_Changes()
    {
        var before = AssetKey(root);

        Write("lambdas/Remediation.Contracts/Names.cs", "public static class Names { public const string Mode = \"REMEDIATION_MODE\"; }");

        Assert.NotEqual(before, AssetKey(root));
    }

    [Fact]
    public void AssetHash_BuildSettingsAboveTheProjectChanged_Changes()
    {
        var before = AssetKey(root);

        Write("Directory.Build.props", "<Project><PropertyGroup><InvariantGlobalization>true</InvariantGlobalization></PropertyGroup></Project>");

        Assert.NotEqual(before, AssetKey(root));
    }

    [Fact]
    public void AssetHash_FunctionSourceChanged_Changes()
    {
        var before = AssetKey(root);

        Write("lambdas/Remediator/Function.cs", "public static class Function { public static int Answer => 42; }");

        Assert.NotEqual(before, AssetKey(root));
    }

    [Fact]
    public void AssetHash_OnlyBuildOutputsOrAnUnreferencedProjectChanged_Unchanged()
    {
        var before = AssetKey(root);

        Write("lambdas/Remediator/bin/Release/Remediator.dll", "built");
        Write("lambdas/Remediation.Contracts/obj/project.assets.json", "{}");
        Write("lambdas/Remediator.Cli/Program.cs", "return 1;");

        Assert.Equal(before, AssetKey(root));
    }

    [Fact]
    public void AssetHash_SameSourcesInAnotherClone_Same()
    {
        var clone = Directory.CreateTempSubdirectory("remediator-code-clone-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(clone, Path.GetRelativePath(root, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            Assert.Equal(AssetKey(root), AssetKey(clone));
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
    }

    static string AssetKey(string repository)
    {
        var app = new App(new AppProps { Context = new Dictionary<string, object> { ["aws:cdk:bundling-stacks"] = Array.Empty<string>() } });
        var stack = new Stack(app, "Code");
        return RemediatorCode.FromRepository(repository).Bind(stack).S3Location!.ObjectKey;
    }

    void Write(string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
