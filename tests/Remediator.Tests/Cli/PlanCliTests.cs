using System.Text.Json;
using Remediator.Tests.Support;

namespace Remediator.Tests.Cli;

/// <summary>The plan command through the real process: exit codes and the output contract.</summary>
public class PlanCliTests
{
    static JsonElement SingleJsonObject(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        using var document = JsonDocument.Parse(line);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement.Clone();
    }

    static void AssertContractShape(JsonElement plan)
    {
        Assert.Contains(plan.GetProperty("decision").GetString(), new[] { "ignore", "notify", "remediate" });
        Assert.Equal(JsonValueKind.String, plan.GetProperty("reason").ValueKind);
        var diagnosis = plan.GetProperty("diagnosis");
        Assert.Contains(diagnosis.GetProperty("kind").GetString(), new[] { "efs-mount-failure", "none" });
        Assert.Contains(diagnosis.GetProperty("host").ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });
        Assert.Contains(diagnosis.GetProperty("fileSystemId").ValueKind, new[] { JsonValueKind.String, JsonValueKind.Null });
        foreach (var action in plan.GetProperty("actions").EnumerateArray())
            Assert.Contains(action.GetProperty("type").GetString(), new[] { "fix-host", "reschedule" });
    }

    public static TheoryData<string> Samples() => new(Corpus.Files("failure").Concat(Corpus.Files("healthy")));

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Plan_EverySample_ExitsZeroWithOneContractObject(string sample)
    {
        var result = await CliProcess.RunAsync(null, "plan", Corpus.Path(sample));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        AssertContractShape(SingleJsonObject(result.Stdout));
    }

    [Fact]
    public async Task Plan_FromStdin_ReadsTheEvent()
    {
        var result = await CliProcess.RunAsync(File.ReadAllText(Corpus.Path("failure/ec2-awsvpc-service.json")), "plan", "-");

        Assert.Equal(0, result.ExitCode);
        var plan = SingleJsonObject(result.Stdout);
        Assert.Equal("remediate", plan.GetProperty("decision").GetString());
        Assert.Equal("fs-0705b30dbe1741990", plan.GetProperty("diagnosis").GetProperty("fileSystemId").GetString());
        Assert.Equal("fix-host", plan.GetProperty("actions")[0].GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("{\"source\": ")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Plan_MalformedJson_ExitsTwoWithOneLineAndNoStackTrace(string input)
    {
        var result = await CliProcess.RunAsync(input, "plan", "-");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("not valid JSON", line);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Plan_MissingFile_ExitsTwo()
    {
        var result = await CliProcess.RunAsync(null, "plan", "/nonexistent/event.json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no such file", result.Stderr);
    }

    [Fact]
    public async Task Plan_WellFormedNonEvent_ExitsZeroWithIgnore()
    {
        var result = await CliProcess.RunAsync("[1, 2, 3]", "plan", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ignore", SingleJsonObject(result.Stdout).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Plan_DefaultConfig_DoesNotReschedule()
    {
        var result = await CliProcess.RunAsync(null, "plan", Corpus.Path("failure/ec2-awsvpc-standalone.json"));

        var actions = SingleJsonObject(result.Stdout).GetProperty("actions");
        Assert.Equal(1, actions.GetArrayLength());
    }

    [Fact]
    public async Task Plan_ConfigFile_OverridesTheDefaults()
    {
        var config = Path.Combine(Path.GetTempPath(), $"remediator-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, """{"REMEDIATOR_MODE": "observe", "REMEDIATOR_SAFE_CAPACITY_PROVIDER": "safe", "REMEDIATOR_MAX_ATTEMPTS": 2, "REMEDIATOR_RUNBOOK_NAME": "EcsDnsRemediation-Remediate"}""");
        try
        {
            var result = await CliProcess.RunAsync(null, "plan", Corpus.Path("failure/ec2-awsvpc-standalone.json"), "--config", config);

            Assert.Equal(0, result.ExitCode);
            var plan = SingleJsonObject(result.Stdout);
            Assert.False(plan.GetProperty("execute").GetBoolean());
            Assert.Equal("reschedule", plan.GetProperty("actions")[1].GetProperty("type").GetString());
            Assert.Equal("safe", plan.GetProperty("actions")[1].GetProperty("capacityProvider").GetString());
        }
        finally
        {
            File.Delete(config);
        }
    }

    /// <summary>A hub's settings: the CLI plans a member account's event with that account's own mode, as the function does.</summary>
    [Fact]
    public async Task Plan_ConfigFileWithTheEventsAccountSettings_PlansWithThatAccountsModeAndReschedule()
    {
        var config = Path.Combine(Path.GetTempPath(), $"remediator-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, """{"REMEDIATOR_SAFE_CAPACITY_PROVIDER": "safe", "REMEDIATOR_ACCOUNT_SETTINGS": "111122223333:observe:off"}""");
        try
        {
            var result = await CliProcess.RunAsync(null, "plan", Corpus.Path("failure/ec2-awsvpc-standalone.json"), "--config", config);

            Assert.Equal(0, result.ExitCode);
            var plan = SingleJsonObject(result.Stdout);
            Assert.False(plan.GetProperty("execute").GetBoolean());
            Assert.Equal(["fix-host"], plan.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("type").GetString()));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData("""{"REMEDIATOR_MODE": "enforce"}""", "REMEDIATOR_MODE")]
    [InlineData("""{"REMEDIATOR_TYPO": "x"}""", "unknown setting")]
    [InlineData("""[]""", "expected a JSON object")]
    [InlineData("""{"REMEDIATOR_MODE": """, "not valid JSON")]
    [InlineData("""{"REMEDIATOR_MODE": "observe", "REMEDIATOR_MODE": "remediate"}""", "REMEDIATOR_MODE is set twice")]
    public async Task Plan_BadConfig_ExitsTwoNamingTheProblem(string config, string mentions)
    {
        var path = Path.Combine(Path.GetTempPath(), $"remediator-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, config);
        try
        {
            var result = await CliProcess.RunAsync(null, "plan", Corpus.Path("failure/ec2-awsvpc-service.json"), "--config", path);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal("", result.Stdout);
            Assert.Contains(mentions, result.Stderr);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// JSON may escape a lone UTF-16 surrogate, which no .NET string read from it can hold: in a setting's value,
    /// in a list item or in a key, it is a bad setting like any other, never a crash.
    /// </summary>
    [Theory]
    [InlineData("""{"REMEDIATOR_MODE": "\ud800"}""")]
    [InlineData("""{"REMEDIATOR_ALLOWED_CLUSTERS": ["prod", "\udc00"]}""")]
    [InlineData("""{"REMEDIATOR_\ud800": "observe"}""")]
    public async Task Plan_ConfigWithALoneSurrogate_ExitsTwoWithOneLine(string config)
    {
        var path = Path.Combine(Path.GetTempPath(), $"remediator-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, config);
        try
        {
            foreach (var awsCli in new[] { false, true })
            {
                string[] args = ["plan", Corpus.Path("failure/ec2-awsvpc-service.json"), "--config", path, .. awsCli ? new[] { "--aws-cli" } : []];
                var result = await CliProcess.RunAsync(null, args);

                Assert.Equal(2, result.ExitCode);
                Assert.Equal("", result.Stdout);
                var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.Contains(path, line);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Plan_EmptyPath_ExitsTwoWithOneLine(bool config)
    {
        var result = config
            ? await CliProcess.RunAsync(null, "plan", Corpus.Path("failure/ec2-awsvpc-service.json"), "--config", "")
            : await CliProcess.RunAsync(null, "plan", "");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("not a file path", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("frobnicate")]
    [InlineData("plan", "a.json", "--bogus")]
    public async Task BadUsage_ExitsTwoWithOneLine(params string[] args)
    {
        var result = await CliProcess.RunAsync(null, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
