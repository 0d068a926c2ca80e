using static Remediation.Testing.Plans;
using Remediation.Contracts;
using System.Text.Json.Nodes;
using Remediator.Acting;
using Remediator.Events;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Tests.Acting;

/// <summary>The act step's pure parts: runbook parameters, claim keys, settings, the EMF record.</summary>
public sealed class ActingUnitTests
{
    [Fact]
    public void RunbookParameters_ServiceTask_LeavesRescheduleFieldsOut()
    {
        var plan = PlanOf(SampleEvents.Service(), ActingHarness.Settings());

        var parameters = RunbookParameters.From(plan, fixHost: true, automationRoleArn: null);

        Assert.Equal(["ClusterArn", "ContainerInstanceArn", "FixHost", "Reschedule", "Resolver", "TaskDefinitionArn", "VerifyHost"], parameters.Keys.Order());
        Assert.Equal(["no"], parameters["Reschedule"]);
    }

    [Fact]
    public void RunbookParameters_SeveralContainerOverrides_OneMapListEntryEach()
    {
        var @event = SampleEvents.Standalone();
        @event["detail"]!["overrides"] = JsonNode.Parse("""{"containerOverrides":[{"name":"app","environment":[{"name":"A","value":"1"}]},{"name":"sidecar"}]}""");

        var parameters = RunbookParameters.From(PlanOf(@event, ActingHarness.Settings()), fixHost: false, automationRoleArn: null);

        Assert.Equal(["""{"name":"app","environment":[{"name":"A","value":"1"}]}""", """{"name":"sidecar"}"""], parameters["ContainerOverrides"]);
        Assert.Equal(["no"], parameters["FixHost"]);
    }

    [Fact]
    public void ClientToken_SameEventKey_SameUuidAndOtherKeysDiffer()
    {
        var token = ClaimKeys.ClientToken("event#a#1");

        Assert.Equal(token, ClaimKeys.ClientToken("event#a#1"));
        Assert.NotEqual(token, ClaimKeys.ClientToken("event#a#2"));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", token);
    }

    [Fact]
    public void EventKey_Task_FollowsTheContract()
    {
        var plan = PlanOf(SampleEvents.Standalone(task: 7, version: 5), ActingHarness.Settings());

        Assert.Equal($"event#{SampleEvents.TaskArn(7)}", ClaimKeys.Event(plan));
        Assert.Equal(ClaimKeys.Event(plan), ClaimKeys.Event(PlanOf(SampleEvents.Standalone(task: 7, version: 6))));
    }

    [Theory]
    [InlineData(RemediatorEnvironment.RunbookName, null, "REMEDIATOR_RUNBOOK_NAME is not set")]
    [InlineData(RemediatorEnvironment.RunbookName, "bad name!", "REMEDIATOR_RUNBOOK_NAME: \"bad name!\" is not valid")]
    [InlineData(RemediatorEnvironment.ClaimsTable, null, "REMEDIATOR_CLAIMS_TABLE is not set")]
    [InlineData(RemediatorEnvironment.HostFixWindowMinutes, "0", "REMEDIATOR_HOST_FIX_WINDOW_MINUTES: \"0\" is not valid")]
    [InlineData(RemediatorEnvironment.HostFixWindowMinutes, "1441", "REMEDIATOR_HOST_FIX_WINDOW_MINUTES: \"1441\" is not valid")]
    [InlineData(RemediatorEnvironment.AutomationRoleArn, "arn:aws:iam::1:user/x", "REMEDIATOR_AUTOMATION_ROLE_ARN")]
    [InlineData(RemediatorEnvironment.AutomationRoleArn, "arn:aws:iam::11112222333\u0663:role/x", "REMEDIATOR_AUTOMATION_ROLE_ARN")]
    [InlineData(RemediatorEnvironment.MetricsNamespace, "AWS/ECS", "REMEDIATOR_METRICS_NAMESPACE")]
    public void ActuatorSettings_BadValue_ErrorNamesTheVariable(string key, string? value, string expected)
    {
        var values = new Dictionary<string, string?>
        {
            [RemediatorEnvironment.RunbookName] = "Runbook",
            [RemediatorEnvironment.ClaimsTable] = "claims",
            [key] = value,
        };

        var error = Assert.Throws<SettingsException>(() => ActuatorSettings.From(k => values.GetValueOrDefault(k)));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void ActuatorSettings_OnlyRequiredValues_TakesContractDefaults()
    {
        var settings = ActuatorSettings.From(k => k switch
        {
            RemediatorEnvironment.RunbookName => "Runbook",
            RemediatorEnvironment.ClaimsTable => "claims",
            _ => null,
        });

        Assert.Equal(TimeSpan.FromMinutes(15), settings.HostFixWindow);
        Assert.Equal("EcsDnsRemediation", settings.MetricsNamespace);
        Assert.Null(settings.AutomationRoleArn);
    }

    [Fact]
    public void EmfRecord_ActedHostFixAndReschedule_ContractDimensionsAndMetrics()
    {
        var plan = PlanOf(SampleEvents.Standalone(), ActingHarness.Settings());
        var outcome = new Outcome(OutcomeKind.Acted, plan, "started", TimeSpan.FromMilliseconds(3), ["run"])
        {
            Act = new ActResult(true, "started", ["run"]) { HostFix = true, Reschedule = true },
        };

        var record = JsonNode.Parse(new EmfReporter(TextWriter.Null, "Ns").Record(outcome, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)))!;

        Assert.Equal("""{"Timestamp":1700000000000,"CloudWatchMetrics":[{"Namespace":"Ns","Dimensions":[[],["Outcome"],["Outcome","Cause"]],"Metrics":[{"Name":"Events","Unit":"Count"},{"Name":"HostFixes","Unit":"Count"},{"Name":"Reschedules","Unit":"Count"},{"Name":"Notifications","Unit":"Count"}]}]}""",
            record["_aws"]!.ToJsonString());
        Assert.Equal(("acted", "local-resolver-unreachable", 1, 1, 1, 0),
            (record["Outcome"]!.GetValue<string>(), record["Cause"]!.GetValue<string>(), record["Events"]!.GetValue<int>(),
                record["HostFixes"]!.GetValue<int>(), record["Reschedules"]!.GetValue<int>(), record["Notifications"]!.GetValue<int>()));
    }
}
