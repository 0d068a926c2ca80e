using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

/// <summary>The endpoint through the real AWS SDK SSM client, as the Remediator calls it.</summary>
public sealed class SsmEndpointTests
{
    const string Book = """
        {
          "schemaVersion": "0.3",
          "parameters": { "FixHost": { "type": "String", "allowedPattern": "^(yes|no)$", "default": "yes" } },
          "mainSteps": [ { "name": "Done", "action": "aws:sleep", "isEnd": true, "inputs": { "Duration": "PT0S" } } ]
        }
        """;

    [Fact]
    public async Task StartAutomationExecution_ValidRequest_RunsTheRunbookAndReportsIt()
    {
        await using var endpoint = await Start();
        using var client = Client(endpoint);

        var started = await client.StartAutomationExecutionAsync(new StartAutomationExecutionRequest
        {
            DocumentName = "Book",
            Parameters = new Dictionary<string, List<string>> { ["FixHost"] = ["no"] },
        });
        await endpoint.WaitForExecutionsAsync();
        var got = await client.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = started.AutomationExecutionId });

        Assert.Equal(AutomationExecutionStatus.Success, got.AutomationExecution.AutomationExecutionStatus);
        Assert.Equal(["no"], got.AutomationExecution.Parameters["FixHost"]);
        Assert.Equal("Done", got.AutomationExecution.StepExecutions.Single().StepName);
    }

    [Fact]
    public async Task StartAutomationExecution_BadParameter_IsTheSdksTypedException()
    {
        await using var endpoint = await Start();
        using var client = Client(endpoint);

        await Assert.ThrowsAsync<InvalidAutomationExecutionParametersException>(() => client.StartAutomationExecutionAsync(new StartAutomationExecutionRequest
        {
            DocumentName = "Book",
            Parameters = new Dictionary<string, List<string>> { ["FixHost"] = ["maybe"] },
        }));
        Assert.Empty(endpoint.Executions);
    }

    [Fact]
    public async Task StartAutomationExecution_SameClientToken_ReturnsTheSameExecutionOrMismatch()
    {
        await using var endpoint = await Start();
        using var client = Client(endpoint);
        var token = Guid.NewGuid().ToString();
        StartAutomationExecutionRequest Request(string fix) => new()
        {
            DocumentName = "Book",
            ClientToken = token,
            Parameters = new Dictionary<string, List<string>> { ["FixHost"] = [fix] },
        };

        var first = await client.StartAutomationExecutionAsync(Request("yes"));
        var again = await client.StartAutomationExecutionAsync(Request("yes"));

        Assert.Equal(first.AutomationExecutionId, again.AutomationExecutionId);
        await Assert.ThrowsAsync<IdempotentParameterMismatchException>(() => client.StartAutomationExecutionAsync(Request("no")));
        Assert.Single(endpoint.Executions);
    }

    [Fact]
    public async Task StartAutomationExecution_UnknownRunbook_IsAutomationDefinitionNotFound()
    {
        await using var endpoint = await Start();
        using var client = Client(endpoint);

        await Assert.ThrowsAsync<AutomationDefinitionNotFoundException>(() =>
            client.StartAutomationExecutionAsync(new StartAutomationExecutionRequest { DocumentName = "Nope" }));
    }

    static Task<SsmEndpoint> Start() =>
        SsmEndpoint.StartAsync(Build.Plane(Build.Catalog(Build.Document("Book", "Automation", Book)), new FakeShell(), new FakeLauncher()).Executor);

    static AmazonSimpleSystemsManagementClient Client(SsmEndpoint endpoint) =>
        new(new BasicAWSCredentials("AKIALOCAL", "local"), new AmazonSimpleSystemsManagementConfig
        {
            ServiceURL = endpoint.Url,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
}
