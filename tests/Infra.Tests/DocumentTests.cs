using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Documents;

namespace Infra.Tests;

[Collection(nameof(DefaultApp))]
public class DocumentTests(DefaultApp app)
{
    JsonObject Document(string name) =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["Name"] == name)
            .Properties;

    /// <summary>The heredoc body of a Command document, joined as SSM joins runCommand lines.</summary>
    static string EmbeddedScript(JsonObject document)
    {
        var lines = document["Content"]!["mainSteps"]![0]!["inputs"]!["runCommand"]!.AsArray().Select(l => (string)l!).ToList();
        var start = lines.FindIndex(l => l.EndsWith($"<<'{HostScript.HeredocDelimiter}'", StringComparison.Ordinal));
        var end = lines.FindIndex(start + 1, l => l == HostScript.HeredocDelimiter);
        var body = lines.Skip(start + 1).Take(end - start - 1).ToList();
        return lines[start].StartsWith("base64 -d", StringComparison.Ordinal)
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body)))
            : string.Join("\n", body) + "\n";
    }

    [Theory]
    [InlineData("EcsDnsRemediation-ResolvFix", "resolv-fix.sh")]
    [InlineData("EcsDnsRemediation-DiagnoseTaskNetns", "diagnose-task-netns.sh")]
    public void CommandDocument_EmbeddedScript_EqualsTheFileByteForByte(string document, string script)
    {
        var embedded = EmbeddedScript(Document(document));

        Assert.Equal(app.HostScript(script), embedded);
    }

    [Fact]
    public void ResolvFixDocument_Parameters_FollowTheContract()
    {
        var content = Document("EcsDnsRemediation-ResolvFix")["Content"]!;

        Assert.Equal("Command", (string?)Document("EcsDnsRemediation-ResolvFix")["DocumentType"]);
        Assert.Equal("2.2", (string?)content["schemaVersion"]);
        var parameters = content["parameters"]!.AsObject();
        Assert.Equal(["Action", "Resolver", "VerifyHost", "DryRun"], parameters.Select(p => p.Key));
        Assert.Equal("check", (string?)parameters["Action"]!["default"]);
        Assert.Equal("169.254.169.253", (string?)parameters["Resolver"]!["default"]);
        Assert.Equal("", (string?)parameters["VerifyHost"]!["default"]);
        Assert.Equal("no", (string?)parameters["DryRun"]!["default"]);
        Assert.All(parameters, p => Assert.NotNull(p.Value!["allowedPattern"]));
    }

    [Fact]
    public void ResolvFixDocument_Command_RunsTheScriptWithJsonAndExitsWithItsCode()
    {
        var lines = Document("EcsDnsRemediation-ResolvFix")["Content"]!["mainSteps"]![0]!["inputs"]!["runCommand"]!.AsArray().Select(l => (string)l!).ToList();

        Assert.Equal("aws:runShellScript", (string?)Document("EcsDnsRemediation-ResolvFix")["Content"]!["mainSteps"]![0]!["action"]);
        Assert.Contains("bash \"${script}\" \"${args[@]}\" --json", lines);
        Assert.Equal("exit $?", lines[^1]);
        Assert.Contains(lines, l => l.Contains("--verify-host \"{{VerifyHost}}\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("args+=(--dry-run)", StringComparison.Ordinal));
    }

    [Fact]
    public void DiagnoseDocument_Parameters_NameAndJson()
    {
        var parameters = Document("EcsDnsRemediation-DiagnoseTaskNetns")["Content"]!["parameters"]!.AsObject();

        Assert.Equal(["Name", "Json"], parameters.Select(p => p.Key));
    }

    [Theory]
    [InlineData(Patterns.IpLiteral, "169.254.169.253", true)]
    [InlineData(Patterns.IpLiteral, "10.0.0.2", true)]
    [InlineData(Patterns.IpLiteral, "fd00:ec2::253", true)]
    [InlineData(Patterns.IpLiteral, "256.1.1.1", false)]
    [InlineData(Patterns.IpLiteral, "1.2.3.4; reboot", false)]
    [InlineData(Patterns.IpLiteral, "$(id)", false)]
    [InlineData(Patterns.DnsNameOrEmpty, "", true)]
    [InlineData(Patterns.DnsNameOrEmpty, "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com", true)]
    [InlineData(Patterns.DnsNameOrEmpty, "a b", false)]
    [InlineData(Patterns.DnsNameOrEmpty, "x\";reboot;\"", false)]
    [InlineData(Patterns.DnsNameOrEmpty, "-leading.example.com", false)]
    [InlineData(Patterns.Group, "service:web", true)]
    [InlineData(Patterns.Group, "service:web;x", false)]
    [InlineData(Patterns.StartedBy, "ecs-dns-remediation/attempt-2", true)]
    [InlineData(Patterns.StartedBy, "someone-else", false)]
    [InlineData(Patterns.ContainerInstanceArn, "arn:aws:ecs:us-east-1:111122223333:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f", true)]
    [InlineData(Patterns.ClusterArn, "arn:aws:ecs:us-east-1:111122223333:cluster/prod", true)]
    [InlineData(Patterns.ClusterArn, "prod", false)]
    public void Patterns_Value_AcceptedOnlyWhenSafe(string pattern, string value, bool accepted)
    {
        Assert.Equal(accepted, Regex.IsMatch(value, pattern));
    }

    [Theory]
    [InlineData("echo hi\n" + HostScript.HeredocDelimiter + "\n", "heredoc delimiter")]
    [InlineData("echo hi", "does not end with a newline")]
    [InlineData("echo hi\r\n", "CR line endings")]
    public void FromContent_UnembeddableScript_FailsNamingTheFile(string content, string reason)
    {
        var error = Assert.Throws<HostScriptException>(() => HostScript.FromContent("x.sh", content));

        Assert.StartsWith("hostscripts/x.sh:", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void WriteToTempFileLines_BracesWithoutEncoding_FailsNamingTheFile()
    {
        var script = HostScript.FromContent("resolv-fix.sh", "echo '{{ssm:secret}}'\n");

        var error = Assert.Throws<HostScriptException>(() => script.WriteToTempFileLines());

        Assert.StartsWith("hostscripts/resolv-fix.sh:", error.Message);
        Assert.Contains("\"{{\"", error.Message);
    }

    [Fact]
    public void WriteToTempFileLines_BracesWithEncoding_KeepsNoBracesInTheDocument()
    {
        var script = HostScript.FromContent("diagnose-task-netns.sh", "docker ps --format '{{.ID}}'\n");

        var lines = script.WriteToTempFileLines(encodeBraces: true);

        Assert.DoesNotContain(lines, l => l.Contains("{{", StringComparison.Ordinal));
    }

    [Fact]
    public void CommandDocuments_Content_HoldNoBracesButTheirParameters()
    {
        var documents = SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document").Where(d => (string?)d.Properties["DocumentType"] == "Command");

        foreach (var (_, document) in documents)
        {
            var content = document["Content"]!;
            var declared = content["parameters"]!.AsObject().Select(p => p.Key).ToHashSet();
            var references = Regex.Matches(content.ToJsonString(), @"\{\{([^}]*)\}\}").Select(m => m.Groups[1].Value.Trim()).ToHashSet();
            Assert.Subset(declared, references);
        }
    }
}
