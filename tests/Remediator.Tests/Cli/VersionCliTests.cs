using System.Xml.Linq;
using Remediation.Testing;
using Remediator.Tests.Support;

namespace Remediator.Tests.Cli;

/// <summary>`remediator --version`: the release named in Directory.Build.props, the one place it is written.</summary>
public sealed class VersionCliTests
{
    static string DeclaredVersion()
    {
        var props = XDocument.Load(Path.Combine(RepositoryRoot.Path, "Directory.Build.props"));
        return Assert.Single(props.Descendants("Version")).Value.Trim();
    }

    [Fact]
    public async Task Version_PrintsTheReleaseOfDirectoryBuildProps()
    {
        var result = await CliProcess.RunAsync(null, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(DeclaredVersion(), result.Stdout.Trim());
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public void DeclaredVersion_IsSemanticVersioning()
    {
        // Keep a Changelog's headings and NuGet both read the version as SemVer 2.0 (https://semver.org).
        Assert.Matches(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$", DeclaredVersion());
    }

    [Fact]
    public void Changelog_HasADatedSectionForTheDeclaredVersion()
    {
        var changelog = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "CHANGELOG.md"));

        // Keep a Changelog 1.1.0: "## [VERSION] - YYYY-MM-DD", an Unreleased section above the releases.
        Assert.Matches($@"(?m)^## \[{System.Text.RegularExpressions.Regex.Escape(DeclaredVersion())}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog);
        Assert.Contains("## [Unreleased]", changelog);
    }
}
