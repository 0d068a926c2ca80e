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
}
