using System.Text.Json.Nodes;
using Infra.Documents;

namespace Infra.Tests;

public class EfsEvidenceDocumentTests(DefaultApp app) : IClassFixture<DefaultApp>
{
    JsonObject Document() =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["Name"] == "EcsDnsRemediation-EfsEvidence")
            .Properties;

    List<string> Lines() =>
        Document()["Content"]!["mainSteps"]![0]!["inputs"]!["runCommand"]!.AsArray().Select(l => (string)l!).ToList();

    /// <summary>The bodies of the document's heredocs, in order, joined as SSM joins runCommand lines.</summary>
    static List<string> EmbeddedScripts(List<string> lines)
    {
        var scripts = new List<string>();
        for (var start = lines.FindIndex(IsHeredoc); start >= 0; start = lines.FindIndex(start + 1, IsHeredoc))
        {
            var end = lines.FindIndex(start + 1, l => l == HostScript.HeredocDelimiter);
            scripts.Add(string.Join("\n", lines.Skip(start + 1).Take(end - start - 1)) + "\n");
        }
        return scripts;

        static bool IsHeredoc(string line) => line.EndsWith($"<<'{HostScript.HeredocDelimiter}'", StringComparison.Ordinal);
    }

    [Fact]
    public void EfsEvidenceDocument_EmbeddedScripts_EqualTheFilesByteForByte()
    {
        var scripts = EmbeddedScripts(Lines());

        Assert.Equal([app.HostScript("resolv-fix.sh"), app.HostScript("efs-evidence.sh")], scripts);
    }

    [Fact]
    public void EfsEvidenceDocument_Command_RunsTheEvidenceWithResolvFixAndItsParameters()
    {
        var lines = Lines();

        Assert.Equal("Command", (string?)Document()["DocumentType"]);
        Assert.Contains("resolv_fix=\"${script}\"", lines);
        Assert.Contains("trap 'rm -f \"${script}\" \"${resolv_fix}\"' EXIT", lines);
        Assert.Equal(
            "bash \"${script}\" --resolv-fix \"${resolv_fix}\" --resolver \"{{Resolver}}\" --verify-host \"{{VerifyHost}}\" --file-system-id '{{FileSystemIds}}' --region \"{{Region}}\"",
            lines[^2]);
        Assert.Equal("exit $?", lines[^1]);
    }

    [Fact]
    public void EfsEvidenceDocument_Parameters_ValidatedAndEmptyByDefault()
    {
        var parameters = Document()["Content"]!["parameters"]!.AsObject();

        Assert.Equal(["Resolver", "VerifyHost", "FileSystemIds", "Region"], parameters.Select(p => p.Key));
        Assert.Equal("169.254.169.253", (string?)parameters["Resolver"]!["default"]);
        Assert.All(["VerifyHost", "Region"], p => Assert.Equal("", (string?)parameters[p]!["default"]));
        Assert.Equal("StringList", (string?)parameters["FileSystemIds"]!["type"]);
        Assert.Empty(parameters["FileSystemIds"]!["default"]!.AsArray());
        Assert.Equal("^fs-[0-9a-f]{8,17}$", (string?)parameters["FileSystemIds"]!["allowedPattern"]);
        Assert.Equal("^([a-z]{2}(-[a-z]+)+-[0-9])?$", (string?)parameters["Region"]!["allowedPattern"]);
    }
}
