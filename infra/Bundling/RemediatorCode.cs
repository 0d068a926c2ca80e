using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;

namespace Infra.Bundling;

/// <summary>The Remediator function's code: lambdas/Remediator published for linux-arm64 during synth.</summary>
public static class RemediatorCode
{
    public static Code FromRepository(string repositoryRoot)
    {
        var projectDir = Path.Combine(repositoryRoot, "lambdas", "Remediator");
        return Code.FromAsset(projectDir, new Amazon.CDK.AWS.S3.Assets.AssetOptions
        {
            // Hash the sources, not the output: an unchanged project is not published again.
            AssetHashType = AssetHashType.SOURCE,
            Exclude = ["bin", "obj"],
            Bundling = new BundlingOptions
            {
                Image = DockerImage.FromRegistry("unused-local-bundling"),
                Local = new DotnetPublishBundling(Path.Combine(projectDir, "Remediator.csproj")),
            },
        });
    }
}
