using System.Security.Cryptography;
using System.Text;
using Amazon.CDK;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using Infra.Documents;

namespace Infra.Constructs;

/// <summary>
/// hostscripts/resolv-fix.sh as container instances download it at boot: joined with its library into one
/// self-contained file, published as a CDK S3 asset, with the SHA-256 the boot script checks before it runs it.
/// The safe capacity's user data carries both; for your own launch templates the remediation stack outputs them
/// (hostscripts/user-data.sh, docs/prevention.md).
/// </summary>
public sealed class ResolvFixScript : Construct
{
    /// <summary>The file the instances download.</summary>
    public Asset Asset { get; }

    /// <summary>Lowercase hex SHA-256 of <see cref="Asset"/>'s file.</summary>
    public string Sha256 { get; }

    public ResolvFixScript(Construct scope, string id, HostScript resolvFix) : base(scope, id)
    {
        var stack = Stack.Of(this);
        // The asset needs a file: written next to the cloud assembly, one per stack.
        var bytes = Encoding.UTF8.GetBytes(resolvFix.Joined);
        var path = Path.Combine(Stage.Of(this)!.Outdir, "hostscripts", stack.StackName, resolvFix.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Asset = new Asset(this, "Asset", new AssetProps { Path = path });
    }
}
