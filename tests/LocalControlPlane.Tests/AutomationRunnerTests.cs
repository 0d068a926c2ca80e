using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using LocalAws;
using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

/// <summary>The runner behind a LocalAws endpoint's SSM, through the real AWS SDK SSM client, as the Remediator calls it.</summary>
public sealed class AutomationRunnerTests : IAsyncLifetime
{
    const string Book = """
        {
          "schemaVersion": "0.3",
          "parameters": { "FixHost": { "type": "String", "allowedPattern": "^(yes|no)$", "default": "yes" } },
          "mainSteps": [ { "name": "Done", "action": "aws:sleep", "isEnd": true, "inputs": { "Duration": "PT0S" } } ]
        }
        """;

    const string Broken = """
        {
          "schemaVersion": "0.3",
          "mainSteps": [ { "name": "Describe", "action": "aws:executeAwsApi", "isEnd": true,
            "inputs": { "Service": "ecs", "Api": "DescribeContainerInstances", "cluster": "no-such-cluster", "containerInstances": [ "x" ] } } ]
        }
        """;

    readonly AutomationRunner runner = new(Build.Plane(
        Build.Catalog(Build.Document("Book", "Automation", Book), Build.Document("Broken", "Automation", Broken)), new FakeShell(), new FakeLauncher()).Executor);
    LocalAwsEndpoint endpoint = null!;

    public async Task InitializeAsync()
    {
        endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Ssm.UseAutomationRunner(runner);
    }

    public async Task DisposeAsync()
    {
        await endpoint.DisposeAsync();
        await runner.DisposeAsync();
    }

    [Fact]
    public async Task StartAutomationExecution_ValidRequest_RunsTheRunbookAndReportsIt()
    {
        using var client = Client();

        var started = await client.StartAutomationExecutionAsync(new StartAutomationExecutionRequest
        {
            DocumentName = "Book",
            Parameters = new Dictionary<string, List<string>> { ["FixHost"] = ["no"] },
        });
        await runner.WaitForExecutionsAsync();
        var got = await client.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = started.AutomationExecutionId });

        Assert.Equal(AutomationExecutionStatus.Success, got.AutomationExecution.AutomationExecutionStatus);
        Assert.Equal(["no"], got.AutomationExecution.Parameters["FixHost"]);
        Assert.Equal("Done", got.AutomationExecution.StepExecutions.Single().StepName);
    }

    [Fact]
    public async Task GetAutomationExecution_RunFails_ReportsFailedWithTheCause()
    {
        using var client = Client();

        var started = await client.StartAutomationExecutionAsync(new StartAutomationExecutionRequest { DocumentName = "Broken" });
        await runner.WaitForExecutionsAsync();
        var got = await client.GetAutomationExecutionAsync(new GetAutomationExecutionRequest { AutomationExecutionId = started.AutomationExecutionId });

        Assert.Equal(AutomationExecutionStatus.Failed, got.AutomationExecution.AutomationExecutionStatus);
        Assert.Contains("ClusterNotFoundException", got.AutomationExecution.FailureMessage);
        Assert.Equal(AutomationExecutionStatus.Failed, got.AutomationExecution.StepExecutions.Single().StepStatus);
    }

    [Fact]
    public async Task StartAutomationExecution_BadParameter_IsTheSdksTypedException()
    {
        using var client = Client();

        await Assert.ThrowsAsync<InvalidAutomationExecutionParametersException>(() => client.StartAutomationExecutionAsync(new StartAutomationExecutionRequest
        {
            DocumentName = "Book",
            Parameters = new Dictionary<string, List<string>> { ["FixHost"] = ["maybe"] },
        }));
        Assert.Empty(endpoint.Ssm.Executions);
        Assert.Empty(await runner.WaitForExecutionsAsync());
    }

    [Fact]
    public async Task StartAutomationExecution_SameClientToken_ReturnsTheSameExecutionOrMismatch()
    {
        using var client = Client();
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
        Assert.Single(endpoint.Ssm.Executions);
        Assert.Single(await runner.WaitForExecutionsAsync());
    }

    [Fact]
    public async Task StartAutomationExecution_UnknownRunbook_IsAutomationDefinitionNotFound()
    {
        using var client = Client();

        await Assert.ThrowsAsync<AutomationDefinitionNotFoundException>(() =>
            client.StartAutomationExecutionAsync(new StartAutomationExecutionRequest { DocumentName = "Nope" }));
    }

    AmazonSimpleSystemsManagementClient Client() =>
        new(new BasicAWSCredentials("AKIALOCAL", "local"), new AmazonSimpleSystemsManagementConfig
        {
            ServiceURL = endpoint.Url,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
}
