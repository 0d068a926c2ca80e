using System.Text.Json;
using Remediator.Cli.Fleet;

namespace Remediator.Tests.Fleet;

public class FleetReportTests
{
    static InstanceResult Row(string id, Verdict verdict) => new(id, verdict, "dhclient", ["127.0.0.1", "169.254.169.253"], "detail");

    [Fact]
    public void ExitCode_AllHealthyOrFixed_IsZero()
    {
        var report = new FleetReport("prod", "check", "cmd-1", [Row("i-1", Verdict.Healthy), Row("i-2", Verdict.Fixed)]);

        Assert.Equal(0, report.ExitCode);
    }

    [Theory]
    [InlineData(Verdict.RolledBack)]
    [InlineData(Verdict.Untouched)]
    [InlineData(Verdict.WouldChange)]
    public void ExitCode_RolledBackUntouchedOrADryRun_IsZero(Verdict verdict)
    {
        var report = new FleetReport("prod", "rollback", "cmd-1", [Row("i-1", verdict), Row("i-2", Verdict.Untouched)]);

        Assert.Equal(0, report.ExitCode);
    }

    [Theory]
    [InlineData(Verdict.AtRisk)]
    [InlineData(Verdict.Failed)]
    [InlineData(Verdict.NoAnswer)]
    public void ExitCode_AnyInstanceNotHealthy_IsOne(Verdict verdict)
    {
        var report = new FleetReport("prod", "check", "cmd-1", [Row("i-1", Verdict.Healthy), Row("i-2", verdict)]);

        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public void ExitCode_NoInstanceAnswered_IsOne()
    {
        Assert.Equal(1, new FleetReport("prod", "check", "cmd-1", []).ExitCode);
    }

    [Fact]
    public void ToTable_ListsEveryInstanceWithItsColumns()
    {
        var table = new FleetReport("prod", "check", "cmd-1", [Row("i-1", Verdict.Healthy), Row("i-2", Verdict.AtRisk)]).ToTable();

        var lines = table.Split('\n');
        Assert.StartsWith("INSTANCE", lines[0]);
        Assert.Contains("RESOLVER MANAGER", lines[0]);
        Assert.Contains("i-2", lines[2]);
        Assert.Contains("at-risk", lines[2]);
        Assert.Contains("127.0.0.1 169.254.169.253", lines[1]);
        Assert.Contains("1 healthy, 1 at-risk", lines[^1]);
    }

    [Fact]
    public void ToJson_IsOneObjectWithEveryInstance()
    {
        var json = new FleetReport("prod", "check", "cmd-1", [Row("i-1", Verdict.NoAnswer)]).ToJson();

        using var document = JsonDocument.Parse(json);
        var instance = document.RootElement.GetProperty("instances")[0];
        Assert.Equal("no-answer", instance.GetProperty("verdict").GetString());
        Assert.False(document.RootElement.GetProperty("allDone").GetBoolean());
        Assert.DoesNotContain('\n', json);
    }
}
