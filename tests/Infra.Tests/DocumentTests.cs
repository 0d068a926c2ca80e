using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Documents;
using Remediation.Contracts;
using Remediation.Testing;
using Xunit.Abstractions;

namespace Infra.Tests;

[Collection(nameof(DefaultApp))]
public class DocumentTests(DefaultApp app, ITestOutputHelper output)
{
    JsonObject Document(string name) =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["Name"] == name)
            .Properties;

    static List<string> RunCommand(JsonObject document) =>
        document["Content"]!["mainSteps"]![0]!["inputs"]!["runCommand"]!.AsArray().Select(l => (string)l!).ToList();

    /// <summary>
    /// The files a Command document writes into its directory, by name, in the order it writes them: bash runs its
    /// runCommand elements, joined as SSM Agent writes its script (each element followed by a line feed), up to the
    /// first that runs a script from $dir, and the files are read from $dir as the instance would have them.
    /// </summary>
    public static Dictionary<string, string> EmbeddedFiles(IEnumerable<string> commands) =>
        Remediation.Testing.EmbeddedFiles.Written(string.Join("\n", commands)).ToDictionary(f => f.Name, f => f.Content, StringComparer.Ordinal);

    [Theory]
    [InlineData("EcsDnsRemediation-ResolvFix", "resolv-fix.sh")]
    [InlineData("EcsDnsRemediation-DiagnoseTaskNetns", "diagnose-task-netns.sh")]
    public void CommandDocument_EmbeddedFiles_AreTheScriptAndItsLibraryByteForByte(string document, string script)
    {
        var lines = RunCommand(Document(document));

        var files = EmbeddedFiles(lines);

        Assert.Equal([HostScript.LibraryFileName, script], files.Keys);
        Assert.All(files, f => Assert.Equal(app.HostScript(f.Key), f.Value));
        Assert.Contains(lines, l => l.StartsWith($"bash \"${{dir}}/{script}\"", StringComparison.Ordinal));
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
        Assert.Contains("bash \"${dir}/resolv-fix.sh\" \"${args[@]}\" --json", lines);
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
    [InlineData(Patterns.DnsNameOrEmpty, "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com.", true)]
    [InlineData(Patterns.DnsNameOrEmpty, "10.0.0.2", false)]
    [InlineData(Patterns.DnsNameOrEmpty, "a.example.com\n", false)]
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
    public void WriteToTempDirectoryCommands_BracesWithoutEncoding_FailsNamingTheFile()
    {
        var script = HostScript.FromContent("resolv-fix.sh", "echo '{{ssm:secret}}'\n");

        var error = Assert.Throws<HostScriptException>(() => HostScript.WriteToTempDirectoryCommands([script]));

        Assert.StartsWith("hostscripts/resolv-fix.sh:", error.Message);
        Assert.Contains("\"{{\"", error.Message);
    }

    [Fact]
    public void WriteToTempDirectoryCommands_BracesWithEncoding_KeepsNoBracesInTheDocument()
    {
        var script = HostScript.FromContent("diagnose-task-netns.sh", "docker ps --format '{{.ID}}'\n");

        var lines = HostScript.WriteToTempDirectoryCommands([script], encodeBraces: true);

        Assert.DoesNotContain(lines, l => l.Contains("{{", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteToTempDirectoryCommands_TwoScriptsOneLibrary_WritesTheLibraryOnceFirst()
    {
        var library = HostScript.FromContent(HostScript.LibraryFileName, "f() { :; }\n");
        var a = HostScript.FromContent("a.sh", HostScript.LibrarySourceLine + "\nf\n") with { Library = library };
        var b = HostScript.FromContent("b.sh", HostScript.LibrarySourceLine + "\nf\n") with { Library = library };

        var files = EmbeddedFiles(HostScript.WriteToTempDirectoryCommands([a, b]));

        Assert.Equal([HostScript.LibraryFileName, "a.sh", "b.sh"], files.Keys);
    }

    [Fact]
    public void WriteToTempDirectoryCommands_EachFile_IsOneCommandThatWritesItWhole()
    {
        var library = HostScript.FromContent(HostScript.LibraryFileName, "f() { echo \"$1\"; }\n");
        var a = HostScript.FromContent("a.sh", HostScript.LibrarySourceLine + "\nf one\n\nf two\n") with { Library = library };

        var commands = HostScript.WriteToTempDirectoryCommands([a]);

        var writers = commands.Where(c => c.Contains("${dir}/", StringComparison.Ordinal) && c.Contains('\n')).ToList();
        Assert.Equal(2, writers.Count);
        Assert.Equal(new Dictionary<string, string> { [library.FileName] = library.Content, [a.FileName] = a.Content }, EmbeddedFiles(commands));
    }

    [Fact]
    public void WriteToTempDirectoryCommands_CompressedScript_DecodesToTheFileByteForByte()
    {
        var content = string.Concat(Enumerable.Range(0, 200).Select(i => $"echo \"line {i}: $((i * 2))\" 'ü' \\\n"));
        var script = HostScript.FromContent("big.sh", content) with { Compressed = true };

        var commands = HostScript.WriteToTempDirectoryCommands([script]);

        Assert.Equal(content, EmbeddedFiles(commands)["big.sh"]);
        Assert.True(commands.Sum(c => c.Length) < content.Length / 2, "a compressed script takes less room than its text");
        Assert.DoesNotContain(commands, c => c.Contains("echo", StringComparison.Ordinal));
    }

    [Fact]
    public void Joined_ScriptThatSourcesTheLibrary_HasTheLibraryInPlaceOfTheLine()
    {
        var library = HostScript.FromContent(HostScript.LibraryFileName, "# the library\nf() { echo f; }\n");
        var script = HostScript.FromContent("a.sh", "#!/bin/bash\n" + HostScript.LibrarySourceLine + "\nf\n") with { Library = library };

        Assert.Equal("#!/bin/bash\n# the library\nf() { echo f; }\nf\n", script.Joined);
    }

    [Fact]
    public void Load_EveryHostScriptThatSourcesTheLibrary_JoinsAsTheBatsSuitesJoin()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(app.Root, "hostscripts"), "*.sh").Select(Path.GetFileName).OfType<string>())
        {
            if (file == HostScript.LibraryFileName) continue;

            var script = HostScript.Load(app.Root, file);

            Assert.Equal(JoinedHostScript.ByTheBatsJoin(app.Root, file), System.Text.Encoding.UTF8.GetBytes(script.Joined));
        }
    }

    [Theory]
    [InlineData("a.sh", HostScript.LibrarySourceLine + "\n" + HostScript.LibrarySourceLine + "\n", "sources hostlib.sh 2 times")]
    [InlineData(HostScript.LibraryFileName, HostScript.LibrarySourceLine + "\n", "sources itself")]
    [InlineData("../a.sh", "echo hi\n", "not a plain file name")]
    [InlineData("a.sh", "source \"${BASH_SOURCE[0]%/*}/hostlib.sh\"\n", "other than by the line")]
    public void FromContent_BadLibraryUse_FailsNamingTheFile(string fileName, string content, string reason)
    {
        var error = Assert.Throws<HostScriptException>(() => HostScript.FromContent(fileName, content));

        Assert.StartsWith($"hostscripts/{fileName}:", error.Message);
        Assert.Contains(reason, error.Message);
    }

    /// <summary>Names on both sides of each clause of the DNS-name rule.</summary>
    public static TheoryData<string> Names => new(DnsNameCorpus.All);

    [Theory]
    [MemberData(nameof(Names))]
    public void DnsNameOrEmpty_AnyName_AgreesWithTheContractsRule(string name)
    {
        Assert.Equal(name.Length == 0 || DnsNames.IsValid(name), Regex.IsMatch(name, Patterns.DnsNameOrEmpty, RegexOptions.CultureInvariant));
    }

    [Fact]
    public void CommandDocuments_Size_UnderSsmsLimit()
    {
        // SSM refuses a document over 64 KB (botocore's ssm service-2.json, MaxDocumentSizeExceeded). Assumed: the
        // content reaches SSM as compact JSON escaped only where JSON requires it, as CloudFormation sends it.
        var documents = SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document");
        var compact = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        foreach (var (_, document) in documents)
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(document["Content"]!.ToJsonString(compact));
            output.WriteLine($"document size: {(string?)document["Name"]} {bytes} bytes");
            Assert.True(bytes < 64 * 1024, $"{(string?)document["Name"]}: {bytes} bytes of content");
        }
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
