using Infra.Configuration;

namespace Infra.Tests;

public sealed class ContextKeysTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("context-keys-").FullName;

    [Fact]
    public void Given_CdkJsonContext_NamesEveryKey()
    {
        File.WriteAllText(Path.Combine(root, "cdk.json"),
            """{"app":"dotnet run","context":{"remediation:mode":"observe","remediation:typo":"1","@aws-cdk/core:x":true}}""");

        var keys = ContextKeys.Given(root);

        Assert.Superset(new HashSet<string> { "remediation:mode", "remediation:typo", "@aws-cdk/core:x" }, keys.ToHashSet());
        Assert.DoesNotContain("app", keys);
    }

    [Fact]
    public void Given_NoCdkJson_NamesNoFileKey()
    {
        Assert.DoesNotContain(ContextKeys.Given(root), k => k.StartsWith("remediation:", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
