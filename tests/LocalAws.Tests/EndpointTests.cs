using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace LocalAws.Tests;

/// <summary>The endpoint through the real SDK clients: strict mode, and moto's DynamoDB behind the proxy.</summary>
public sealed class EndpointTests
{
    const string Runbook = "Runbook";
    const string Table = "claims";

    static T Configure<T>(T config, LocalAwsEndpoint endpoint) where T : ClientConfig
    {
        config.ServiceURL = endpoint.Url;
        config.AuthenticationRegion = "us-east-1";
        config.MaxErrorRetry = 0;
        return config;
    }

    static AmazonSimpleSystemsManagementClient Ssm(LocalAwsEndpoint endpoint) =>
        new(new BasicAWSCredentials("test", "test"), Configure(new AmazonSimpleSystemsManagementConfig(), endpoint));

    static AmazonDynamoDBClient Dynamo(LocalAwsEndpoint endpoint) =>
        new(new BasicAWSCredentials("test", "test"), Configure(new AmazonDynamoDBConfig(), endpoint));

    static StartAutomationExecutionRequest Start(string verifyHost) => new()
    {
        DocumentName = Runbook,
        Parameters = new Dictionary<string, List<string>> { ["VerifyHost"] = [verifyHost] },
    };

    [Fact]
    public async Task StartAutomationExecution_ValueOver512InStrictMode_ValidationExceptionAndNothingStarted()
    {
        await using var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Ssm.RegisterAutomationDocument(Runbook, "VerifyHost");
        using var ssm = Ssm(endpoint);

        var error = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => ssm.StartAutomationExecutionAsync(Start(new string('h', 513))));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("at 'parameters.VerifyHost.1'", error.Message, StringComparison.Ordinal);
        Assert.Empty(endpoint.Ssm.Executions);
        Assert.Equal("ValidationException", Assert.Single(endpoint.Requests).ErrorType);
    }

    [Fact]
    public async Task StartAutomationExecution_ValueOver512NotStrict_ReachesTheService()
    {
        await using var endpoint = await LocalAwsEndpoint.StartAsync(strict: false);
        endpoint.Ssm.RegisterAutomationDocument(Runbook, "VerifyHost");
        using var ssm = Ssm(endpoint);

        await ssm.StartAutomationExecutionAsync(Start(new string('h', 513)));

        Assert.Single(endpoint.Ssm.Executions);
    }

    [Fact]
    public async Task PutItem_ConditionFailsWithAllOld_MotoAnswersWithTheOldItem()
    {
        await using var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Dynamo.CreateTable(Table);
        using var dynamo = Dynamo(endpoint);
        PutItemRequest Put(string owner) => new()
        {
            TableName = Table,
            Item = new() { ["pk"] = new() { S = "instance#1" }, ["owner"] = new() { S = owner } },
            ConditionExpression = "attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };

        await dynamo.PutItemAsync(Put("first"));
        var error = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => dynamo.PutItemAsync(Put("second")));

        Assert.Equal("first", error.Item["owner"].S);
        Assert.Equal("first", endpoint.Dynamo.Item(Table, "instance#1")!["owner"]!["S"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateItem_MalformedExpression_MotoRejectsIt()
    {
        await using var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Dynamo.CreateTable(Table);
        using var dynamo = Dynamo(endpoint);

        var error = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = new() { ["pk"] = new() { S = "a" } },
            UpdateExpression = "SET #state = :undefined",
            ExpressionAttributeNames = new() { ["#state"] = "state" },
        }));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Empty(endpoint.Dynamo.Items(Table));
    }

    [Fact]
    public async Task PutItem_InternalErrorAfterApply_ItemWrittenAnd500Answered()
    {
        await using var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Dynamo.CreateTable(Table);
        endpoint.Faults.Inject("PutItem", FaultKind.InternalErrorAfterApply);
        using var dynamo = Dynamo(endpoint);

        var error = await Assert.ThrowsAnyAsync<AmazonDynamoDBException>(() => dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = Table,
            Item = new() { ["pk"] = new() { S = "a" } },
        }));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Single(endpoint.Dynamo.Items(Table));
        Assert.True(Assert.Single(endpoint.RequestsOf("PutItem")).Injected);
    }

    [Fact]
    public async Task StartAutomationExecution_FaultsInSequence_EachAnsweredInTurnThenTheCallPasses()
    {
        await using var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Ssm.RegisterAutomationDocument(Runbook, "VerifyHost");
        endpoint.Faults.Inject("StartAutomationExecution", FaultKind.InternalErrorAfterApply)
            .Then("StartAutomationExecution", FaultKind.AutomationLimit);
        using var ssm = Ssm(endpoint);

        var applied = await Assert.ThrowsAnyAsync<AmazonSimpleSystemsManagementException>(() => ssm.StartAutomationExecutionAsync(Start("a.example.com")));
        var refused = await Assert.ThrowsAsync<AutomationExecutionLimitExceededException>(() => ssm.StartAutomationExecutionAsync(Start("b.example.com")));
        await ssm.StartAutomationExecutionAsync(Start("c.example.com"));

        Assert.Equal(HttpStatusCode.InternalServerError, applied.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["a.example.com", "c.example.com"], endpoint.Ssm.Executions.Select(e => e.Parameter("VerifyHost")));
    }

    [Fact]
    public async Task Dynamo_TwoEndpoints_SameTableNameKeptApart()
    {
        await using var first = await LocalAwsEndpoint.StartAsync();
        await using var second = await LocalAwsEndpoint.StartAsync();
        first.Dynamo.CreateTable(Table);
        second.Dynamo.CreateTable(Table);
        using var dynamo = Dynamo(first);

        await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = new() { ["pk"] = new() { S = "a" } } });

        Assert.Single(first.Dynamo.Items(Table));
        Assert.Empty(second.Dynamo.Items(Table));
    }

    [Fact]
    public async Task ListTables_TableNameBreakingThePattern_RejectedByTheModelBeforeMoto()
    {
        await using var endpoint = await LocalAwsEndpoint.StartAsync();
        using var dynamo = Dynamo(endpoint);

        // Built at run time: the SDK's analyzer flags the literal at compile time (its own copy of the pattern, anchored).
        var name = string.Join(' ', "my", "table");

        var error = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => dynamo.ListTablesAsync(new ListTablesRequest { ExclusiveStartTableName = name }));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Equal("com.amazonaws.dynamodb.v20120810#ValidationException", Assert.Single(endpoint.Requests).ErrorType);
    }
}
