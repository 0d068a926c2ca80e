using System.Xml.Linq;

namespace Infra.Tests;

/// <summary>Each stack says which release built it: the one version, Directory.Build.props' &lt;Version&gt;.</summary>
[Collection(nameof(ExistingClusterApp))]
public sealed class StackDescriptionTests(ExistingClusterApp app)
{
    internal static string PropsVersion() =>
        XDocument.Load(Path.Combine(RepositoryRoot.Find(), "Directory.Build.props")).Descendants("Version").Single().Value;

    [Fact]
    public void Descriptions_EveryStack_EndWithTheVersionOfDirectoryBuildProps()
    {
        var version = PropsVersion();

        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
        Assert.Equal(3, app.Templates.Count);
        Assert.All(app.Templates, t => Assert.EndsWith($"(v{version})", (string?)t.Value["Description"]));
    }
}

/// <summary>The member template the hub's StackSet deploys says its release too.</summary>
[Collection(nameof(OrganizationApp))]
public sealed class MemberStackDescriptionTests(OrganizationApp app)
{
    [Fact]
    public void Description_MemberStack_EndsWithTheVersionOfDirectoryBuildProps()
    {
        var version = StackDescriptionTests.PropsVersion();

        Assert.EndsWith($"(v{version})", (string?)app.Member["Description"]);
    }
}
