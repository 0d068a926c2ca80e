using Remediation.Contracts;
using System.Text;
using System.Text.Json.Nodes;
using LocalAws;
using Remediator.Planning;

namespace Remediator.Tests.Acting;

/// <summary>The Lambda entry point, configured by environment variables, against the local endpoint.</summary>
public sealed class FunctionEndToEndTests
{
    static Dictionary<string, string?> Environment(LocalAwsEndpoint endpoint) => new()
    {
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL"] = endpoint.Url,
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["AWS_MAX_ATTEMPTS"] = "3",
        [RemediatorEnvironment.SafeCapacityProvider] = "safe-capacity",
        ["REMEDIATOR_RUNBOOK_NAME"] = ActingHarness.Runbook,
        ["REMEDIATOR_CLAIMS_TABLE"] = ActingHarness.Table,
        ["REMEDIATOR_HOST_FIX_WINDOW_MINUTES"] = "30",
        ["REMEDIATOR_METRICS_NAMESPACE"] = "Test/Remediation",
    };

    static async Task<LocalAwsEndpoint> StartEndpointAsync()
    {
        var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.RetryAfter = TimeSpan.FromMilliseconds(1);
        endpoint.Ssm.RegisterAutomationDocument(ActingHarness.Runbook, ActingHarness.RunbookParameterNames);
        endpoint.Dynamo.CreateTable(ActingHarness.Table);
        return endpoint;
    }

    static async Task<JsonObject> HandleAsync(Function function, JsonObject @event)
    {
        await using var response = await function.Handle(new MemoryStream(Encoding.UTF8.GetBytes(@event.ToJsonString())));
        return (JsonObject)(await JsonNode.ParseAsync(response))!;
    }

    [Fact]
    public async Task Handle_StreamEventTwice_ActsOnceAndLogsAndCountsEach()
    {
        await using var endpoint = await StartEndpointAsync();
        var environment = Environment(endpoint);
        var stdout = new StringWriter();
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), stdout);
        var @event = SampleEvents.Standalone();

        var first = await HandleAsync(function, @event);
        var second = await HandleAsync(function, @event);

        Assert.Equal(("acted", "remediate"), (first["outcome"]!.GetValue<string>(), first["decision"]!.GetValue<string>()));
        Assert.Equal(Assert.Single(endpoint.Ssm.Executions).Id, first["runs"]![0]!.GetValue<string>());
        Assert.Equal("skipped", second["outcome"]!.GetValue<string>());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(4, lines.Count);
        var metrics = lines.Where(l => l["_aws"] is not null).ToList();
        Assert.Equal(["acted", "skipped"], metrics.Select(m => m["Outcome"]!.GetValue<string>()));
        Assert.Equal(["local-resolver-unreachable", "duplicate"], metrics.Select(m => m["Cause"]!.GetValue<string>()));
        Assert.Equal("Test/Remediation", metrics[0]["_aws"]!["CloudWatchMetrics"]![0]!["Namespace"]!.GetValue<string>());
        Assert.Single(endpoint.RequestsOf("StartAutomationExecution"));
    }

    [Fact]
    public async Task FromEnvironment_BadWindow_FailsNamingTheVariableAndLogsIt()
    {
        await using var endpoint = await StartEndpointAsync();
        var environment = Environment(endpoint);
        environment["REMEDIATOR_HOST_FIX_WINDOW_MINUTES"] = "forever";
        var stdout = new StringWriter();

        var error = Assert.Throws<SettingsException>(() => Function.FromEnvironment(k => environment.GetValueOrDefault(k), stdout));

        Assert.StartsWith("REMEDIATOR_HOST_FIX_WINDOW_MINUTES", error.Message);
        Assert.Contains("REMEDIATOR_HOST_FIX_WINDOW_MINUTES", stdout.ToString());
    }

    [Fact]
    public async Task FromEnvironment_NoRegion_FailsNamingTheVariable()
    {
        await using var endpoint = await StartEndpointAsync();
        var environment = Environment(endpoint);
        environment.Remove("AWS_REGION");

        var error = Assert.Throws<SettingsException>(() => Function.FromEnvironment(k => environment.GetValueOrDefault(k), TextWriter.Null));

        Assert.StartsWith("AWS_REGION", error.Message);
    }
}
