using System.Text.Json;
using LocalAws;
using Remediator.Tests.Support;

namespace Remediator.Tests.Fleet;

/// <summary>
/// `remediator fleet check|fix` through the real process and the real SDK client, against the local
/// SSM endpoint: request shape, table and JSON output, exit codes, partial failures, silent instances.
/// </summary>
public sealed class FleetCliTests : IAsyncLifetime
{
    const string Document = "EcsDnsRemediation-ResolvFix";
    const string Tag = "ecs-dns-remediation:cluster";

    LocalAwsEndpoint endpoint = null!;

    public async Task InitializeAsync()
    {
        endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Ssm.RegisterCommandDocument(Document, "Action", "Resolver", "VerifyHost", "DryRun");
    }

    public async Task DisposeAsync() => await endpoint.DisposeAsync();

    static string Summary(string action, string verdict, string manager, bool changed, params string[] nameservers) =>
        $$"""{"action":"{{action}}","verdict":"{{verdict}}","manager":"{{manager}}","nameservers":[{{string.Join(',', nameservers.Select(n => $"\"{n}\""))}}],"changed":{{(changed ? "true" : "false")}},"dry_run":false,"backup":null}""";

    /// <summary>An instance that answers like resolv-fix.sh: check reports its state, fix makes it healthy.</summary>
    void Instance(string id, string cluster, bool atRisk, string manager = "dhclient") =>
        endpoint.Ssm.AddManagedInstance(new ManagedInstance(id, new Dictionary<string, string> { [Tag] = cluster }, command =>
        {
            var action = command.Parameters["Action"][0];
            if (action == "fix")
                return new CommandReply("Success", 0, "fixed\n" + Summary("fix", "healthy", manager, atRisk, "127.0.0.1", "169.254.169.253"));
            return atRisk
                ? new CommandReply("Failed", 1, "at risk\n" + Summary("check", "at-risk", manager, false, "127.0.0.1"))
                : new CommandReply("Success", 0, "healthy\n" + Summary("check", "healthy", manager, false, "127.0.0.1", "169.254.169.253"));
        }));

    Task<CliProcess.Result> Fleet(string? stdin, params string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = "us-east-1",
        };
        string[] common = ["--endpoint-url", endpoint.Url, "--wait", "3", "--poll-interval", "0.1"];
        return CliProcess.RunAsync(stdin, environment, ["fleet", .. args, .. common]);
    }

    static JsonElement Json(string stdout)
    {
        using var document = JsonDocument.Parse(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Check_MixedFleet_ReportsEachInstanceAndExitsOne()
    {
        Instance("i-0000000000000000a", "prod", atRisk: false, manager: "systemd-resolved");
        Instance("i-0000000000000000b", "prod", atRisk: true);
        endpoint.Ssm.AddManagedInstance(new ManagedInstance("i-0000000000000000c", new Dictionary<string, string> { [Tag] = "prod" }, _ => null));
        Instance("i-0000000000000000d", "staging", atRisk: true);

        var result = await Fleet(null, "check", "--cluster", "prod", "--json");

        Assert.Equal(1, result.ExitCode);
        var rows = Json(result.Stdout).GetProperty("instances").EnumerateArray()
            .Select(i => $"{i.GetProperty("instanceId").GetString()} {i.GetProperty("verdict").GetString()} {i.GetProperty("manager")} {string.Join('+', i.GetProperty("nameservers").EnumerateArray().Select(n => n.GetString()))}")
            .ToList();
        Assert.Equal(
        [
            "i-0000000000000000a healthy systemd-resolved 127.0.0.1+169.254.169.253",
            "i-0000000000000000b at-risk dhclient 127.0.0.1",
            "i-0000000000000000c no-answer  ",
        ], rows);
    }

    [Fact]
    public async Task Check_SendsTheDocumentByTagWithRateControlAndCheckAction()
    {
        Instance("i-0000000000000000a", "prod", atRisk: false);

        var result = await Fleet(null, "check", "--cluster", "prod");

        Assert.Equal(0, result.ExitCode);
        var sent = Assert.Single(endpoint.RequestsOf("SendCommand"));
        using var body = JsonDocument.Parse(sent.Body.ToJsonString());
        var request = body.RootElement;
        Assert.Equal(Document, request.GetProperty("DocumentName").GetString());
        Assert.Equal("tag:" + Tag, request.GetProperty("Targets")[0].GetProperty("Key").GetString());
        Assert.Equal("prod", request.GetProperty("Targets")[0].GetProperty("Values")[0].GetString());
        Assert.Equal("check", request.GetProperty("Parameters").GetProperty("Action")[0].GetString());
        Assert.Equal("169.254.169.253", request.GetProperty("Parameters").GetProperty("Resolver")[0].GetString());
        Assert.Equal("50%", request.GetProperty("MaxConcurrency").GetString());
        Assert.Contains("healthy", result.Stdout);
        Assert.StartsWith("INSTANCE", result.Stdout);
    }

    [Fact]
    public async Task Fix_WithoutYesAndNoAnswer_SendsNothingAndExitsTwo()
    {
        Instance("i-0000000000000000a", "prod", atRisk: true);

        var result = await Fleet("", "fix", "--cluster", "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not confirmed", result.Stderr);
        Assert.Empty(endpoint.RequestsOf("SendCommand"));
    }

    [Fact]
    public async Task Fix_ConfirmedAtThePrompt_FixesAtTheSlowerRate()
    {
        Instance("i-0000000000000000a", "prod", atRisk: true);

        var result = await Fleet("y\n", "fix", "--cluster", "prod", "--json");

        Assert.Equal(0, result.ExitCode);
        var json = result.Stdout[(result.Stdout.IndexOf('{'))..];
        Assert.Equal("fixed", Json(json).GetProperty("instances")[0].GetProperty("verdict").GetString());
        using var body = JsonDocument.Parse(Assert.Single(endpoint.RequestsOf("SendCommand")).Body.ToJsonString());
        Assert.Equal("fix", body.RootElement.GetProperty("Parameters").GetProperty("Action")[0].GetString());
        Assert.Equal("10%", body.RootElement.GetProperty("MaxConcurrency").GetString());
    }

    [Fact]
    public async Task Fix_Yes_PartialFailureIsReportedAndExitsOne()
    {
        Instance("i-0000000000000000a", "prod", atRisk: true);
        endpoint.Ssm.AddManagedInstance(new ManagedInstance("i-0000000000000000b", new Dictionary<string, string> { [Tag] = "prod" },
            _ => new CommandReply("Failed", 4, "resolv-fix.sh: /etc/resolv.conf is missing\n" + """{"action":"fix","verdict":"at-risk","manager":"static","nameservers":[],"changed":false,"dry_run":false,"backup":null}""")));

        var result = await Fleet(null, "fix", "--cluster", "prod", "--yes", "--json");

        Assert.Equal(1, result.ExitCode);
        var verdicts = Json(result.Stdout).GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("verdict").GetString());
        Assert.Equal(["fixed", "failed"], verdicts);
    }

    [Fact]
    public async Task Check_SsmThrottlesTwice_TheSdkRetriesAndTheCheckCompletes()
    {
        Instance("i-0000000000000000a", "prod", atRisk: false);
        endpoint.Faults.Inject("SendCommand", FaultKind.Throttle, times: 2);

        var result = await Fleet(null, "check", "--cluster", "prod");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, endpoint.RequestsOf("SendCommand").Count());
    }

    [Fact]
    public async Task Check_SsmDown_ExitsTwoWithOneLine()
    {
        endpoint.Faults.Inject("SendCommand", FaultKind.InternalError, times: int.MaxValue);

        var result = await Fleet(null, "check", "--cluster", "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Theory]
    [InlineData("--cluster", "prod; reboot")]
    [InlineData("--resolver", "dns.example.com")]
    [InlineData("--wait", "0")]
    public async Task BadOption_ExitsTwoAndSendsNothing(string option, string value)
    {
        string[] args = option == "--cluster" ? ["check", option, value] : ["check", "--cluster", "prod", option, value];

        var result = await Fleet(null, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(endpoint.RequestsOf("SendCommand"));
    }

    [Fact]
    public async Task Check_NoInstanceCarriesTheTag_ExitsOne()
    {
        var result = await Fleet(null, "check", "--cluster", "empty", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(0, Json(result.Stdout).GetProperty("instances").GetArrayLength());
    }

    /// <summary>
    /// A container instance that keeps its resolv.conf state across commands, answering as resolv-fix.sh does:
    /// fix backs up and fixes an at-risk file, rollback restores a backup and without one changes nothing.
    /// </summary>
    sealed class StatefulHost(bool atRisk)
    {
        public bool AtRisk { get; private set; } = atRisk;
        public bool HasBackup { get; private set; }

        public CommandReply Answer(SentCommand command)
        {
            var action = command.Parameters["Action"][0];
            var dryRun = command.Parameters["DryRun"][0] == "yes";
            var (changed, wouldChange) = (false, false);
            if (action == "fix" && AtRisk)
            {
                wouldChange = true;
                if (!dryRun) (AtRisk, HasBackup, changed) = (false, true, true);
            }
            else if (action == "rollback" && HasBackup)
            {
                wouldChange = true;
                if (!dryRun) (AtRisk, HasBackup, changed) = (true, false, true);
            }
            var code = action == "check" && AtRisk ? 1 : 0;
            var summary = $$"""{"action":"{{action}}","verdict":"{{(AtRisk ? "at-risk" : "healthy")}}","manager":"dhclient","nameservers":{{(AtRisk ? "[\"127.0.0.1\"]" : "[\"127.0.0.1\",\"169.254.169.253\"]")}},"changed":{{(changed ? "true" : "false")}},"would_change":{{(wouldChange ? "true" : "false")}},"dry_run":{{(dryRun ? "true" : "false")}},"exit_code":{{code}}}""";
            return new CommandReply(code == 0 ? "Success" : "Failed", code, summary);
        }
    }

    StatefulHost Host(string id, string cluster, bool atRisk)
    {
        var host = new StatefulHost(atRisk);
        endpoint.Ssm.AddManagedInstance(new ManagedInstance(id, new Dictionary<string, string> { [Tag] = cluster }, host.Answer));
        return host;
    }

    static string[] Verdicts(string stdout) =>
        Json(stdout[stdout.IndexOf('{')..]).GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("verdict").GetString()!).ToArray();

    [Fact]
    public async Task Rollback_AfterFix_RestoresOnlyTheHostsTheFixChanged()
    {
        var changed = Host("i-0000000000000000a", "prod", atRisk: true);
        var healthy = Host("i-0000000000000000b", "prod", atRisk: false);
        var otherCluster = Host("i-0000000000000000c", "staging", atRisk: true);
        await Fleet(null, "fix", "--cluster", "prod", "--yes");
        await Fleet(null, "fix", "--cluster", "staging", "--yes");

        var result = await Fleet(null, "rollback", "--cluster", "prod", "--yes", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["rolled-back", "untouched"], Verdicts(result.Stdout));
        Assert.True(changed.AtRisk);
        Assert.False(healthy.AtRisk);
        Assert.False(otherCluster.AtRisk);
        Assert.True(otherCluster.HasBackup);
    }

    [Fact]
    public async Task Rollback_SendsTheRollbackActionByTagAtTheFixRate()
    {
        Host("i-0000000000000000a", "prod", atRisk: false);

        await Fleet(null, "rollback", "--cluster", "prod", "--yes");

        using var body = JsonDocument.Parse(Assert.Single(endpoint.RequestsOf("SendCommand")).Body.ToJsonString());
        var request = body.RootElement;
        Assert.Equal("rollback", request.GetProperty("Parameters").GetProperty("Action")[0].GetString());
        Assert.Equal("no", request.GetProperty("Parameters").GetProperty("DryRun")[0].GetString());
        Assert.Equal("tag:" + Tag, request.GetProperty("Targets")[0].GetProperty("Key").GetString());
        Assert.Equal("10%", request.GetProperty("MaxConcurrency").GetString());
        Assert.Equal("1", request.GetProperty("MaxErrors").GetString());
    }

    [Fact]
    public async Task Rollback_TakesNoResolver_ItRestoresWhateverTheFixWrote()
    {
        Host("i-0000000000000000a", "prod", atRisk: false);

        var result = await Fleet(null, "rollback", "--cluster", "prod", "--yes", "--resolver", "10.0.0.2");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(endpoint.RequestsOf("SendCommand"));
    }

    [Fact]
    public async Task Rollback_Twice_TheSecondFindsNothingToRollBack()
    {
        Host("i-0000000000000000a", "prod", atRisk: true);
        await Fleet(null, "fix", "--cluster", "prod", "--yes");
        await Fleet(null, "rollback", "--cluster", "prod", "--yes");

        var result = await Fleet(null, "rollback", "--cluster", "prod", "--yes", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["untouched"], Verdicts(result.Stdout));
    }

    [Fact]
    public async Task Rollback_WithoutYesAndNoAnswer_SendsNothingAndExitsTwo()
    {
        Host("i-0000000000000000a", "prod", atRisk: true);

        var result = await Fleet("n\n", "rollback", "--cluster", "prod");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not confirmed", result.Stderr);
        Assert.Empty(endpoint.RequestsOf("SendCommand"));
    }

    [Fact]
    public async Task Rollback_DryRun_AsksNothingChangesNothingAndSaysWhatWouldChange()
    {
        var host = Host("i-0000000000000000a", "prod", atRisk: true);
        Host("i-0000000000000000b", "prod", atRisk: false);
        await Fleet(null, "fix", "--cluster", "prod", "--yes");

        var result = await Fleet("", "rollback", "--cluster", "prod", "--dry-run", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["would-change", "untouched"], Verdicts(result.Stdout));
        Assert.False(host.AtRisk);
        Assert.True(host.HasBackup);
    }

    [Fact]
    public async Task FixDryRun_AtRiskHost_IsReportedAsWouldChangeNotHealthy()
    {
        var host = Host("i-0000000000000000a", "prod", atRisk: true);

        var result = await Fleet("", "fix", "--cluster", "prod", "--dry-run", "--json");

        Assert.Equal(["would-change"], Verdicts(result.Stdout));
        Assert.True(host.AtRisk);
    }

    [Fact]
    public async Task Rollback_AHostThatCannotRestore_IsFailedAndExitsOne()
    {
        Host("i-0000000000000000a", "prod", atRisk: false);
        endpoint.Ssm.AddManagedInstance(new ManagedInstance("i-0000000000000000b", new Dictionary<string, string> { [Tag] = "prod" },
            _ => new CommandReply("Failed", 4, """{"action":"rollback","verdict":null,"manager":"static","nameservers":[],"changed":false,"would_change":false,"dry_run":false,"exit_code":4}""")));

        var result = await Fleet(null, "rollback", "--cluster", "prod", "--yes", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["untouched", "failed"], Verdicts(result.Stdout));
    }
}
