using static Remediation.Testing.Plans;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Remediation.Contracts;
using Remediator.Acting;
using Remediator.Events;
using Remediator.Planning;

namespace Infra.Tests;

/// <summary>
/// The seam between the function and the runbook: the StartAutomationExecution request the function builds from a
/// plan (<see cref="AutomationStart"/>, the act step's own builder) must bind to the runbook the CDK app synthesizes,
/// judged on the template, not on a copy: every name it sends is declared, every declared parameter without a
/// default is sent, and each value has the declared type and matches the declared allowedPattern.
/// </summary>
[Collection(nameof(DefaultApp))]
public sealed class RunbookBindingSeamTests(DefaultApp app)
{
    const string RoleArn = "arn:aws:iam::111122223333:role/EcsDnsRemediation-RunbookRole";

    // StartAutomationExecution's limits on a value (botocore ssm model: AutomationParameterValue min 1 max 512).
    const int MaxValueLength = 512;

    /// <summary>Every remediate plan the sample failure events give, with rescheduling on and off, and the host fix on and off.</summary>
    public static TheoryData<string, bool, bool> Requests()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var path in Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "tests", "events", "failure"), "*.json").Order(StringComparer.Ordinal))
        {
            foreach (var reschedule in new[] { true, false })
            {
                if (PlanOf("failure/" + Path.GetFileName(path), WithReschedule(reschedule)).Decision != Decision.Remediate) continue;
                data.Add(Path.GetFileName(path), reschedule, true);
                data.Add(Path.GetFileName(path), reschedule, false);
            }
        }
        return data;
    }

    [Fact]
    public void Requests_FromTheSampleEvents_CoverAHostFixAndAReschedule()
    {
        var plans = Requests().Select(row => PlanOf("failure/" + (string)row[0], WithReschedule((bool)row[1]))).ToList();

        Assert.Contains(plans, p => p.Reschedule is { OverridesJson: not null });
        Assert.Contains(plans, p => p.FixHost is { VerifyHost: not null });
        Assert.Contains(plans, p => p.Reschedule is null);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Request_FromAPlan_BindsToTheSynthesizedRunbook(string sample, bool reschedule, bool fixHost)
    {
        var declared = Runbook()["Content"]!["parameters"]!.AsObject();
        var sent = AutomationStart.Request(PlanOf("failure/" + sample, WithReschedule(reschedule)), fixHost, RunbookName(), RoleArn).Parameters;

        Assert.All(sent.Keys, name => Assert.True(declared.ContainsKey(name), $"the function sends {name}, which the runbook does not declare"));
        foreach (var (name, parameter) in declared)
        {
            if (parameter!["default"] is null)
                Assert.True(sent.ContainsKey(name), $"the runbook requires {name} (no default), which the function does not send");
        }
        foreach (var (name, values) in sent)
        {
            var parameter = declared[name]!;
            var type = (string)parameter["type"]!;
            Assert.NotEmpty(values);
            Assert.All(values, v => Assert.InRange(v.Length, 1, MaxValueLength));
            switch (type)
            {
                case "String":
                    Assert.True(values.Count == 1, $"{name} is a String; the function sends {values.Count} values");
                    break;
                case "StringList":
                    break;
                case "MapList":
                    Assert.All(values, v => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(v).RootElement.ValueKind));
                    break;
                default:
                    Assert.Fail($"{name}: the runbook declares type {type}, which the function does not know how to send");
                    break;
            }
            if ((string?)parameter["allowedPattern"] is { } pattern)
                Assert.All(values, v => Assert.True(Regex.IsMatch(v, pattern, RegexOptions.CultureInvariant) && !v.Contains('\n', StringComparison.Ordinal),
                    $"{name}: \"{v}\" does not match the runbook's allowedPattern {pattern}"));
        }
    }

    [Fact]
    public void RunbookName_InTheFunctionsEnvironment_NamesTheSynthesizedAutomationDocument()
    {
        Assert.Equal("Automation", (string?)Runbook()["DocumentType"]);
    }

    /// <summary>The runbook the function's environment names (REMEDIATOR_RUNBOOK_NAME).</summary>
    string RunbookName() =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::Lambda::Function")
            .Select(f => f.Properties["Environment"]?["Variables"]?.AsObject())
            .Select(v => (string?)v?[RemediatorEnvironment.RunbookName])
            .Single(name => name is not null)!;

    JsonObject Runbook() =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["Name"] == RunbookName())
            .Properties;

}
