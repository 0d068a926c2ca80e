using System.Text.Json.Nodes;
using Infra.Documents;

namespace Infra.Tests;

[Collection(nameof(DefaultApp))]
public class EfsEvidenceDocumentTests(DefaultApp app)
{
    JsonObject Document() =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["Name"] == "EcsDnsRemediation-EfsEvidence")
            .Properties;

    List<string> Lines() =>
        Document()["Content"]!["mainSteps"]![0]!["inputs"]!["runCommand"]!.AsArray().Select(l => (string)l!).ToList();

    [Fact]
    public void EfsEvidenceDocument_EmbeddedFiles_AreTheScriptsAndTheirLibraryOnceByteForByte()
    {
        var files = DocumentTests.EmbeddedFiles(Lines());

        Assert.Equal([HostScript.LibraryFileName, "resolv-fix.sh", "efs-evidence.sh"], files.Keys);
        Assert.All(files, f => Assert.Equal(app.HostScript(f.Key), f.Value));
    }

    [Fact]
    public void EfsEvidenceDocument_Command_RunsTheEvidenceWithResolvFixAndItsParameters()
    {
        var lines = Lines();

        Assert.Equal("Command", (string?)Document()["DocumentType"]);
        Assert.Contains("trap 'rm -rf \"${dir}\"' EXIT", lines);
        Assert.Equal(
            "bash \"${dir}/efs-evidence.sh\" --resolv-fix \"${dir}/resolv-fix.sh\" --resolver \"{{Resolver}}\" --verify-host \"{{VerifyHost}}\" --file-system-id '{{FileSystemIds}}' --region \"{{Region}}\"",
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
