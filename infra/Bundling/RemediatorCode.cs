using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;

namespace Infra.Bundling;

/// <summary>The Remediator function's code: lambdas/Remediator published for linux-arm64 during synth.</summary>
public static class RemediatorCode
{
    public static Code FromRepository(string repositoryRoot)
    {
        var projectFile = Path.Combine(repositoryRoot, "lambdas", "Remediator", "Remediator.csproj");
        return Code.FromAsset(Path.GetDirectoryName(projectFile)!, new Amazon.CDK.AWS.S3.Assets.AssetOptions
        {
            // The hash of every file the publish reads, not of the output: an unchanged function is not published
            // again (CDK reuses cdk.out/asset.<hash>), and a change in a referenced project or in the build
            // settings is published (a hash of the project's own folder would miss both).
            AssetHashType = AssetHashType.CUSTOM,
            AssetHash = PublishInputs.Fingerprint(projectFile, repositoryRoot),
            Bundling = new BundlingOptions
            {
                Image = DockerImage.FromRegistry("unused-local-bundling"),
                Local = new DotnetPublishBundling(projectFile),
            },
        });
    }
}
