using System.Text.Json.Nodes;

namespace Infra.Tests;

/// <summary>Rules every step of the synthesized runbook keeps, where SSM's documentation leaves a default unclear.</summary>
[Collection(nameof(DefaultApp))]
public class RunbookStepRulesTests(DefaultApp app)
{
    List<JsonObject> Steps() =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Select(r => r.Properties)
            .Single(p => (string?)p["DocumentType"] == "Automation")["Content"]!["mainSteps"]!.AsArray()
            .Select(s => s!.AsObject())
            .ToList();

    /// <summary>
    /// The user guide calls isCritical's default true (automation-branchdocs.html) while the StepExecution API
    /// reference leaves it unstated: every step that runs a command says it itself.
    /// </summary>
    [Fact]
    public void Runbook_StepsThatRunACommand_SetIsCriticalExplicitly()
    {
        var commands = Steps()
            .Where(s => (string?)s["action"] is "aws:runCommand" or "aws:executeAwsApi" or "aws:executeScript")
            .ToList();

        Assert.NotEmpty(commands);
        Assert.All(commands, s => Assert.True(s["isCritical"] is JsonValue v && v.TryGetValue<bool>(out _), $"{s["name"]} leaves isCritical to the default"));
    }

    /// <summary>aws:sleep documents a duration, not that a zero one is accepted: no step sleeps zero.</summary>
    [Fact]
    public void Runbook_Sleeps_NeverForZero()
    {
        var sleeps = Steps()
            .Where(s => (string?)s["action"] == "aws:sleep")
            .Select(s => System.Xml.XmlConvert.ToTimeSpan((string)s["inputs"]!["Duration"]!));

        Assert.All(sleeps, d => Assert.True(d > TimeSpan.Zero));
    }
}
