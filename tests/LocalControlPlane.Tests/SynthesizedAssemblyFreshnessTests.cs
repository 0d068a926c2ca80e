using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

/// <summary>
/// A repository cdk.out is reused only when nothing synth reads changed after it: the function's projects count,
/// since synth bundles them (a change in Remediation.Contracts alone must not leave the old function in place).
/// </summary>
public sealed class SynthesizedAssemblyFreshnessTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("freshness-").FullName;

    static readonly DateTime Synthesized = new(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc);

    string Write(string relative, DateTime time)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, relative);
        File.SetLastWriteTimeUtc(path, time);
        return path;
    }

    void RepositoryOlderThanItsCdkOut()
    {
        Write("infra/Program.cs", Synthesized.AddDays(-1));
        Write("hostscripts/resolv-fix.sh", Synthesized.AddDays(-1));
        Write("lambdas/Remediation.Contracts/RemediatorEnvironment.cs", Synthesized.AddDays(-1));
        Write("cdk.json", Synthesized.AddDays(-1));
        Write("Directory.Build.props", Synthesized.AddDays(-1));
        Write("cdk.out/manifest.json", Synthesized);
    }

    [Fact]
    public void IsFresh_NothingChangedSinceSynth_ReusesIt()
    {
        RepositoryOlderThanItsCdkOut();

        Assert.True(SynthesizedAssembly.IsFresh(root, Path.Combine(root, "cdk.out")));
    }

    [Theory]
    [InlineData("lambdas/Remediation.Contracts/RemediatorEnvironment.cs")]
    [InlineData("lambdas/Remediator/Function.cs")]
    [InlineData("Directory.Build.props")]
    [InlineData("infra/Program.cs")]
    public void IsFresh_ASourceOfTheFunctionOrTheAppChangedAfterSynth_SynthesizesAgain(string changed)
    {
        RepositoryOlderThanItsCdkOut();
        Write(changed, Synthesized.AddDays(1));

        Assert.False(SynthesizedAssembly.IsFresh(root, Path.Combine(root, "cdk.out")));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
