using System.Text.Json.Nodes;

namespace Infra.Tests;

[Collection(nameof(DefaultApp))]
public class RunbookTests(DefaultApp app)
{
    JsonObject Runbook() =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["Name"] == "EcsDnsRemediation-Remediate")
            .Properties;

    JsonObject Step(string name) =>
        Runbook()["Content"]!["mainSteps"]!.AsArray().Single(s => (string?)s!["name"] == name)!.AsObject();

    [Fact]
    public void Runbook_Parameters_AreTheContractTable()
    {
        var parameters = Runbook()["Content"]!["parameters"]!.AsObject();

        Assert.Equal("Automation", (string?)Runbook()["DocumentType"]);
        Assert.Equal("0.3", (string?)Runbook()["Content"]!["schemaVersion"]);
        Assert.Equal(
            ["AutomationAssumeRole", "ClusterArn", "ContainerInstanceArn", "FixHost", "Resolver", "VerifyHost", "Reschedule", "TaskDefinitionArn", "Group", "StartedBy", "CapacityProvider", "Subnets", "SecurityGroups", "ContainerOverrides", "NotificationTopicArn"],
            parameters.Select(p => p.Key));
        Assert.Equal("StringList", (string?)parameters["Subnets"]!["type"]);
        Assert.Equal("MapList", (string?)parameters["ContainerOverrides"]!["type"]);
        Assert.Null(parameters["ClusterArn"]!["default"]);
        Assert.Null(parameters["ContainerInstanceArn"]!["default"]);
        Assert.Equal("yes", (string?)parameters["FixHost"]!["default"]);
        Assert.Equal("no", (string?)parameters["Reschedule"]!["default"]);
        Assert.Equal("dns-safe-capacity", (string?)parameters["CapacityProvider"]!["default"]);
        Assert.Equal(@"^((family|service):[A-Za-z0-9_-]{1,255})?$", (string?)parameters["Group"]!["allowedPattern"]);
        Assert.Equal(@"^(ecs-dns-remediation/attempt-[0-9]{1,3})?$", (string?)parameters["StartedBy"]!["allowedPattern"]);
        Assert.StartsWith("{\"Fn::GetAtt\":[\"RunbookRole", parameters["AutomationAssumeRole"]!["default"]!.ToJsonString());
        Assert.StartsWith("{\"Ref\":\"NotificationsTopic", parameters["NotificationTopicArn"]!["default"]!.ToJsonString());
    }

    [Fact]
    public void Runbook_HostFix_RunsTheFixDocumentOnlyAfterTheEvidenceSaysFixHost()
    {
        var describe = Step("DescribeContainerInstance");
        var fix = Step("FixHost");
        var branch = Step("BranchOnEvidence")["inputs"]!;

        Assert.Equal("DescribeContainerInstances", (string?)describe["inputs"]!["Api"]);
        Assert.Equal("$.containerInstances[0].ec2InstanceId", (string?)describe["outputs"]![0]!["Selector"]);
        Assert.Equal("aws:runCommand", (string?)fix["action"]);
        Assert.Equal("EcsDnsRemediation-ResolvFix", (string?)fix["inputs"]!["DocumentName"]);
        Assert.Equal("{{DescribeContainerInstance.InstanceId}}", (string?)fix["inputs"]!["InstanceIds"]![0]);
        Assert.Equal("fix", (string?)fix["inputs"]!["Parameters"]!["Action"]);
        var choices = branch["Choices"]!.AsArray().Select(c => ((string)c!["Variable"]!, (string)c["StartsWith"]!, (string)c["NextStep"]!)).ToList();
        Assert.Equal(
            [("{{GatherEvidence.Output}}", "verdict=fix-host\n", "FixHost"), ("{{GatherEvidence.Output}}", "verdict=healthy\n", "NotifyHealthy"),
             ("{{GatherEvidence.Output}}", "verdict=not-dns\n", "NotifyNotLocalResolver")],
            choices);
        Assert.Equal("NotifyNoVerdict", (string?)branch["Default"]);
    }

    [Fact]
    public void Runbook_Evidence_ReadsTheFileSystemFromTheTaskDefinitionAndRunsTheEvidenceDocument()
    {
        var choose = Step("ChooseEvidence")["inputs"]!["Choices"]![0]!;
        var describe = Step("DescribeTaskDefinition");
        var evidence = Step("GatherEvidence");

        Assert.Equal(("{{TaskDefinitionArn}}", "arn:", "DescribeTaskDefinition"), ((string)choose["Variable"]!, (string)choose["StartsWith"]!, (string)choose["NextStep"]!));
        Assert.Equal("DescribeTaskDefinition", (string?)describe["inputs"]!["Api"]);
        Assert.Equal("$.taskDefinition.volumes..efsVolumeConfiguration..fileSystemId", (string?)describe["outputs"]![0]!["Selector"]);
        Assert.Equal("StringList", (string?)describe["outputs"]![0]!["Type"]);
        Assert.Equal("EcsDnsRemediation-EfsEvidence", (string?)evidence["inputs"]!["DocumentName"]);
        Assert.Equal("{{DescribeTaskDefinition.FileSystemIds}}", (string?)evidence["inputs"]!["Parameters"]!["FileSystemIds"]);
        Assert.Equal("{{global:REGION}}", (string?)evidence["inputs"]!["Parameters"]!["Region"]);
        Assert.Equal("{{VerifyHost}}", (string?)evidence["inputs"]!["Parameters"]!["VerifyHost"]);
    }

    [Theory]
    [InlineData("GatherEvidence", "step:NotifyEvidenceFailed")]
    [InlineData("FixHost", "step:NotifyHostFixFailed")]
    public void Runbook_FailedCommand_NotifiesAndEndsTheExecutionFailedWithoutReadingItsOutputs(string step, string onFailure)
    {
        var steps = Runbook()["Content"]!["mainSteps"]!.AsArray().Select(s => s!.AsObject()).ToList();

        Assert.Equal(onFailure, (string?)Step(step)["onFailure"]);
        // Critical: its failure makes the execution Failed although the notification runs.
        Assert.True((bool)Step(step)["isCritical"]!);
        var notify = Step(onFailure["step:".Length..]);
        Assert.True((bool)notify["isEnd"]!);
        Assert.DoesNotContain("{{" + step + ".", notify.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(steps, s => (string?)s["action"] == "aws:executeScript");
    }

    [Fact]
    public void Runbook_NotLocalResolver_NotifiesWithTheEvidenceAndEnds()
    {
        var notify = Step("NotifyNotLocalResolver");

        Assert.Contains("not the local resolver; check mount target in the AZ, DNS hostnames, file system id", (string?)notify["inputs"]!["Message"]);
        Assert.Contains("{{GatherEvidence.Output}}", (string?)notify["inputs"]!["Message"]);
        Assert.True((bool)notify["isEnd"]!);
    }

    [Fact]
    public void Runbook_Reschedule_RunsTheTaskOnTheSafeCapacityWithTheConstraint()
    {
        var run = Step("RescheduleTask")["inputs"]!;

        Assert.Equal("RunTask", (string?)run["Api"]);
        Assert.Equal("{{TaskDefinitionArn}}", (string?)run["taskDefinition"]);
        Assert.Equal("{{StartedBy}}", (string?)run["startedBy"]);
        Assert.Equal("{{Group}}", (string?)run["group"]);
        Assert.Equal("{{CapacityProvider}}", (string?)run["capacityProviderStrategy"]![0]!["capacityProvider"]);
        Assert.Equal("DISABLED", (string?)run["networkConfiguration"]!["awsvpcConfiguration"]!["assignPublicIp"]);
        Assert.Equal("{{ContainerOverrides}}", (string?)run["overrides"]!["containerOverrides"]);
        Assert.Equal("attribute:dns.local-resolver == none", (string?)run["placementConstraints"]![0]!["expression"]);
        Assert.Equal("TASK_DEFINITION", (string?)run["propagateTags"]);
    }

    [Fact]
    public void Runbook_Steps_EveryNextStepExists()
    {
        var steps = Runbook()["Content"]!["mainSteps"]!.AsArray().Select(s => s!.AsObject()).ToList();
        var names = steps.Select(s => (string)s["name"]!).ToHashSet();

        var targets = steps.SelectMany(s => new[] { (string?)s["nextStep"], (string?)s["inputs"]!["Default"], ((string?)s["onFailure"])?.Replace("step:", "", StringComparison.Ordinal) }
            .Concat(s["inputs"]!["Choices"]?.AsArray().Select(c => (string?)c!["NextStep"]) ?? []))
            .OfType<string>();
        Assert.All(targets, t => Assert.Contains(t, names));
        Assert.All(steps.Where(s => s["nextStep"] is null && (string?)s["action"] != "aws:branch"), s => Assert.True((bool)s["isEnd"]!));
    }

    /// <summary>
    /// The user guide calls isCritical's default true (automation-branchdocs.html) while the StepExecution API
    /// reference leaves it unstated: every step that runs a command says it itself.
    /// </summary>
    [Fact]
    public void Runbook_StepsThatRunACommand_SetIsCriticalExplicitly()
    {
        var commands = Runbook()["Content"]!["mainSteps"]!.AsArray().Select(s => s!.AsObject())
            .Where(s => (string?)s["action"] is "aws:runCommand" or "aws:executeAwsApi" or "aws:executeScript")
            .ToList();

        Assert.NotEmpty(commands);
        Assert.All(commands, s => Assert.True(s["isCritical"] is JsonValue v && v.TryGetValue<bool>(out _), $"{s["name"]} leaves isCritical to the default"));
    }

    /// <summary>aws:sleep documents a duration, not that a zero one is accepted: no step sleeps zero.</summary>
    [Fact]
    public void Runbook_Sleeps_NeverForZero()
    {
        var sleeps = Runbook()["Content"]!["mainSteps"]!.AsArray().Select(s => s!.AsObject())
            .Where(s => (string?)s["action"] == "aws:sleep")
            .Select(s => System.Xml.XmlConvert.ToTimeSpan((string)s["inputs"]!["Duration"]!));

        Assert.All(sleeps, d => Assert.True(d > TimeSpan.Zero));
    }
}
