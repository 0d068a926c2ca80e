using Remediation.Contracts;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Remediation.Testing;
using Remediator.Planning;

namespace Remediator.Tests.Reporting;

/// <summary>Console.SetOut is process-wide: these tests run alone, after every parallel test.</summary>
[CollectionDefinition(nameof(ProcessConsole), DisableParallelization = true)]
public sealed class ProcessConsole;

/// <summary>
/// The handler behind the managed runtime's Console.Out (<see cref="RuntimeSupportConsole"/>), in both log
/// formats: every outcome line and EMF document must reach the raw standard output as a top-level JSON object,
/// and nothing may go through the runtime's writer, which would prefix it (Text) or nest it (JSON).
/// </summary>
[Collection(nameof(ProcessConsole))]
public sealed class RawStandardOutputTests : IDisposable
{
    readonly TextWriter original = Console.Out;
    readonly StringWriter wrapped = new();
    readonly MemoryStream raw = new();

    public void Dispose() => Console.SetOut(original);

    /// <summary>The function's settings; the endpoint is a closed local port, so any AWS call fails at once.</summary>
    static Dictionary<string, string?> Environment() => new()
    {
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL"] = $"http://127.0.0.1:{ClosedPort()}",
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["AWS_MAX_ATTEMPTS"] = "1",
        [RemediatorEnvironment.SafeCapacityProvider] = "safe-capacity",
        ["REMEDIATOR_RUNBOOK_NAME"] = "EcsDnsRemediation-Remediate",
        ["REMEDIATOR_CLAIMS_TABLE"] = "claims",
        ["REMEDIATOR_HOST_FIX_WINDOW_MINUTES"] = "15",
        ["REMEDIATOR_METRICS_NAMESPACE"] = "EcsDnsRemediation",
    };

    static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    Function UnderRuntime(LambdaLogFormat format, Dictionary<string, string?> environment)
    {
        Console.SetOut(new RuntimeSupportConsole(wrapped, format, "8f5c2e1a-0000-4000-8000-000000000001"));
        return Function.FromEnvironment(k => environment.GetValueOrDefault(k), Function.RawStandardOutput(raw));
    }

    static Stream Event(string name) => File.OpenRead(Path.Combine(RepositoryRoot.Events, name));

    /// <summary>Each raw line parsed as JSON; a line that is not a JSON object fails the test.</summary>
    List<JsonObject> RawLines() =>
        Encoding.UTF8.GetString(raw.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => Assert.IsType<JsonObject>(JsonNode.Parse(line)))
            .ToList();

    [Theory]
    [InlineData(LambdaLogFormat.Text)]
    [InlineData(LambdaLogFormat.Json)]
    public async Task Handle_NotifyUnderTheRuntimeConsole_EmfIsTopLevelOnTheRawStream(LambdaLogFormat format)
    {
        var function = UnderRuntime(format, Environment());

        await (await function.Handle(Event("failure/fargate-efs-utils.json"))).DisposeAsync();

        var lines = RawLines();
        Assert.Equal(2, lines.Count);
        var emf = Assert.Single(lines, l => l.ContainsKey("_aws"));
        Assert.Equal("EcsDnsRemediation", (string?)emf["_aws"]!["CloudWatchMetrics"]![0]!["Namespace"]);
        Assert.Equal(1, (int)emf["Notifications"]!);
        Assert.Equal("skipped", (string?)Assert.Single(lines, l => !l.ContainsKey("_aws"))["outcome"]);
        Assert.Empty(wrapped.ToString());
    }

    [Theory]
    [InlineData(LambdaLogFormat.Text)]
    [InlineData(LambdaLogFormat.Json)]
    public async Task Handle_ActFailsUnderTheRuntimeConsole_FailedOutcomeAndMetricOnTheRawStream(LambdaLogFormat format)
    {
        var function = UnderRuntime(format, Environment());

        await Assert.ThrowsAnyAsync<Exception>(() => function.Handle(Event("failure/ec2-awsvpc-standalone.json")));

        var lines = RawLines();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal("failed", (string?)(l["outcome"] ?? l["Outcome"])));
        Assert.Single(lines, l => l.ContainsKey("_aws"));
        Assert.Empty(wrapped.ToString());
    }

    /// <summary>
    /// An organization hub (another account than the event's): the member role cannot be assumed (STS is a closed
    /// port), and the outcome line and the EMF document, with its Account and Region dimensions, still reach the raw stream.
    /// </summary>
    [Theory]
    [InlineData(LambdaLogFormat.Text)]
    [InlineData(LambdaLogFormat.Json)]
    public async Task Handle_MemberEventInAHubUnderTheRuntimeConsole_AccountAndRegionOnTheRawStream(LambdaLogFormat format)
    {
        var environment = Environment();
        environment["REMEDIATOR_HUB_ACCOUNT"] = "999988887777";
        environment["REMEDIATOR_MEMBER_ROLE_NAME"] = "EcsDnsRemediationMember";
        environment["REMEDIATOR_MEMBER_RUNBOOK_NAME"] = "EcsDnsRemediationMember-Remediate";
        var function = UnderRuntime(format, environment);

        await Assert.ThrowsAnyAsync<Exception>(() => function.Handle(Event("failure/ec2-awsvpc-standalone.json")));

        var lines = RawLines();
        Assert.Equal(2, lines.Count);
        var outcome = Assert.Single(lines, l => !l.ContainsKey("_aws"));
        Assert.Equal(("failed", "member-role-unavailable", "111122223333", "us-east-1"),
            ((string?)outcome["outcome"], (string?)outcome["plan"]!["cause"], (string?)outcome["account"], (string?)outcome["region"]));
        var emf = Assert.Single(lines, l => l.ContainsKey("_aws"));
        Assert.Contains(emf["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]!.AsArray(),
            d => d!.AsArray().Select(n => (string?)n).SequenceEqual(["Account", "Region"]));
        Assert.Equal(("111122223333", "us-east-1", 1), ((string?)emf["Account"], (string?)emf["Region"], (int)emf["Notifications"]!));
        Assert.Empty(wrapped.ToString());
    }

    [Theory]
    [InlineData(LambdaLogFormat.Text)]
    [InlineData(LambdaLogFormat.Json)]
    public void FromEnvironment_BadSettingUnderTheRuntimeConsole_ErrorLineOnTheRawStream(LambdaLogFormat format)
    {
        var environment = Environment();
        environment["REMEDIATOR_HOST_FIX_WINDOW_MINUTES"] = "forever";

        Assert.Throws<SettingsException>(() => UnderRuntime(format, environment));

        var line = Assert.Single(RawLines());
        Assert.Equal("ERROR", (string?)line["level"]);
        Assert.Contains("REMEDIATOR_HOST_FIX_WINDOW_MINUTES", (string?)line["message"]);
        Assert.Empty(wrapped.ToString());
    }
}
