using Remediation.Contracts;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using LocalAws;
using Microsoft.Extensions.Time.Testing;
using Remediator.Acting;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Tests.Acting;

/// <summary>
/// The real pipeline with the real SsmActuator, DynamoClaimStore and AWS SDK clients, pointed at a local
/// endpoint started for the test. Time is a fake clock, so lease and window expiry need no waiting.
/// </summary>
public sealed class ActingHarness : IAsyncDisposable
{
    public const string Runbook = "EcsDnsRemediation-FixHost";
    public const string Table = "remediation-claims";
    public const string Role = "arn:aws:iam::111122223333:role/remediation-automation";

    /// <summary>The runbook's parameters as the local endpoint's document declares them; tests/Infra.Tests/RunbookBindingSeamTests holds the function to the synthesized runbook itself.</summary>
    public static readonly string[] RunbookParameterNames =
    [
        "AutomationAssumeRole", "ClusterArn", "ContainerInstanceArn", "FixHost", "Resolver", "VerifyHost", "Reschedule",
        "TaskDefinitionArn", "Group", "StartedBy", "CapacityProvider", "Subnets", "SecurityGroups", "ContainerOverrides",
        "NotificationTopicArn",
    ];

    const int Attempts = 4;

    readonly StringWriter output = new();

    ActingHarness(LocalAwsEndpoint endpoint, FakeTimeProvider clock, RemediatorSettings settings, TimeSpan? attemptTimeout)
    {
        Endpoint = endpoint;
        Clock = clock;
        var acting = ActuatorSettings.From(key => key switch
        {
            RemediatorEnvironment.RunbookName => Runbook,
            RemediatorEnvironment.ClaimsTable => Table,
            RemediatorEnvironment.AutomationRoleArn => Role,
            _ => null,
        }) with { StartAttempts = Attempts };
        // Only SSM gets the short attempt limit: the faults that need it are SSM's, and DynamoDB (moto, a Python
        // server on a shared, loaded machine) may take longer than a short limit without any fault injected.
        Ssm = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"), Configure(new AmazonSimpleSystemsManagementConfig(), attemptTimeout));
        Dynamo = new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), Configure(new AmazonDynamoDBConfig(), null));
        var actuator = new SsmActuator(Ssm, new DynamoClaimStore(Dynamo, Table), acting, clock);
        Pipeline = new RemediationPipeline(settings, actuator,
            new CompositeReporter(new JsonLineReporter(output, clock), new EmfReporter(output, acting.MetricsNamespace, clock)));
    }

    public LocalAwsEndpoint Endpoint { get; }

    public FakeTimeProvider Clock { get; }

    public RemediationPipeline Pipeline { get; }

    public IAmazonSimpleSystemsManagement Ssm { get; }

    public IAmazonDynamoDB Dynamo { get; }

    /// <summary>Every line the reporters wrote: a log line, then an EMF record, per event.</summary>
    public IReadOnlyList<JsonObject> Lines =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();

    public IReadOnlyList<JsonObject> MetricRecords => Lines.Where(l => l.ContainsKey("_aws")).ToList();

    /// <param name="attemptTimeout">One HTTP attempt's limit in the SSM client (AwsClients sets 5 s in the function); the SDK's 100 s when null.</param>
    public static async Task<ActingHarness> StartAsync(RemediatorSettings? settings = null, TimeSpan? attemptTimeout = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 15, 30, TimeSpan.Zero));
        var endpoint = await LocalAwsEndpoint.StartAsync(clock);
        endpoint.RetryAfter = TimeSpan.FromMilliseconds(1);
        endpoint.Ssm.RegisterAutomationDocument(Runbook, RunbookParameterNames);
        endpoint.Dynamo.CreateTable(Table);
        return new ActingHarness(endpoint, clock, settings ?? Settings(), attemptTimeout);
    }

    public static RemediatorSettings Settings(string mode = "remediate") => RemediatorSettings.From(key => key switch
    {
        RemediatorEnvironment.SafeCapacityProvider => "safe-capacity",
        RemediatorEnvironment.Mode => mode,
        _ => null,
    });

    /// <summary>A claim as the real SDK reads it from the table (whatever serves DynamoDB), or null.</summary>
    public async Task<Dictionary<string, AttributeValue>?> ClaimAsync(string key)
    {
        var response = await Dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = key } },
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }

    public Task<Outcome> HandleAsync(JsonObject @event) =>
        Pipeline.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(@event.ToJsonString())));

    T Configure<T>(T config, TimeSpan? attemptTimeout) where T : ClientConfig
    {
        config.ServiceURL = Endpoint.Url;
        config.AuthenticationRegion = "us-east-1";
        config.RetryMode = RequestRetryMode.Standard;
        // As AwsClients configures the function's clients: SsmActuator makes the start's attempts itself.
        config.MaxErrorRetry = config is AmazonSimpleSystemsManagementConfig ? 0 : Attempts - 1;
        if (attemptTimeout is { } timeout) config.Timeout = timeout;
        return config;
    }

    public async ValueTask DisposeAsync()
    {
        Ssm.Dispose();
        Dynamo.Dispose();
        await Endpoint.DisposeAsync();
    }
}
