using Remediator.Cli.Fleet;

namespace Remediator.Tests.Fleet;

public class HostCheckTests
{
    const string AtRiskOutput = """
        at risk: no non-loopback nameserver among the first three (127.0.0.1)
        {"action":"check","verdict":"at-risk","manager":"dhclient","nameservers":["127.0.0.1"],"changed":false,"dry_run":false,"backup":null}
        """;

    [Fact]
    public void Read_ExitOneWithJsonSummary_IsAtRiskWithManagerAndNameservers()
    {
        var result = HostCheck.Read("i-0abc", "check", 1, AtRiskOutput, "Failed");

        Assert.Equal(Verdict.AtRisk, result.Verdict);
        Assert.Equal("dhclient", result.Manager);
        Assert.Equal(["127.0.0.1"], result.Nameservers);
    }

    [Fact]
    public void Read_FixThatChangedTheFile_IsFixed()
    {
        var output = """{"action":"fix","verdict":"healthy","manager":"systemd-resolved","nameservers":["127.0.0.53","169.254.169.253"],"changed":true,"dry_run":false,"backup":"/etc/resolv.conf.ecs-dns-remediation.bak"}""";

        var result = HostCheck.Read("i-0abc", "fix", 0, output, "Success");

        Assert.Equal(Verdict.Fixed, result.Verdict);
        Assert.Equal(["127.0.0.53", "169.254.169.253"], result.Nameservers);
    }

    [Theory]
    [InlineData(null, Verdict.NoAnswer)]
    [InlineData(0, Verdict.Healthy)]
    [InlineData(2, Verdict.Failed)]
    [InlineData(3, Verdict.Failed)]
    [InlineData(4, Verdict.Failed)]
    [InlineData(127, Verdict.Failed)]
    public void Read_ExitCodes_MapToVerdicts(int? code, Verdict verdict)
    {
        Assert.Equal(verdict, HostCheck.Read("i-0abc", "check", code, "", "x").Verdict);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json\n{broken")]
    [InlineData("[1,2]")]
    public void Read_OutputWithoutSummary_StillGivesAVerdict(string output)
    {
        var result = HostCheck.Read("i-0abc", "check", 1, output, "Failed");

        Assert.Equal(Verdict.AtRisk, result.Verdict);
        Assert.Null(result.Manager);
        Assert.Empty(result.Nameservers);
    }

    static string Summary(string action, string verdict, bool changed, bool wouldChange, bool dryRun) =>
        $$"""{"action":"{{action}}","verdict":"{{verdict}}","manager":"dhclient","nameservers":["127.0.0.1"],"changed":{{Json(changed)}},"would_change":{{Json(wouldChange)}},"dry_run":{{Json(dryRun)}},"backup":null,"exit_code":0}""";

    static string Json(bool value) => value ? "true" : "false";

    [Fact]
    public void Read_RollbackThatRestoredTheBackup_IsRolledBack()
    {
        var result = HostCheck.Read("i-0abc", "rollback", 0, "restored /etc/resolv.conf\n" + Summary("rollback", "at-risk", true, true, false), "Success");

        Assert.Equal(Verdict.RolledBack, result.Verdict);
        Assert.Equal(["127.0.0.1"], result.Nameservers);
    }

    [Fact]
    public void Read_RollbackWithNothingToRollBack_IsUntouched()
    {
        var result = HostCheck.Read("i-0abc", "rollback", 0, Summary("rollback", "healthy", false, false, false), "Success");

        Assert.Equal(Verdict.Untouched, result.Verdict);
    }

    [Theory]
    [InlineData("fix", "healthy")]
    [InlineData("rollback", "at-risk")]
    public void Read_DryRunThatWouldChangeTheHost_IsWouldChangeNotHealthy(string action, string verdictAfter)
    {
        var result = HostCheck.Read("i-0abc", action, 0, Summary(action, verdictAfter, false, true, true), "Success");

        Assert.Equal(Verdict.WouldChange, result.Verdict);
    }

    [Fact]
    public void Read_DryRunOfAHealthyHost_IsHealthy()
    {
        var result = HostCheck.Read("i-0abc", "fix", 0, Summary("fix", "healthy", false, false, true), "Success");

        Assert.Equal(Verdict.Healthy, result.Verdict);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Read_RollbackThatTheScriptRefused_IsFailed(int code)
    {
        Assert.Equal(Verdict.Failed, HostCheck.Read("i-0abc", "rollback", code, "", "Failed").Verdict);
    }
}
