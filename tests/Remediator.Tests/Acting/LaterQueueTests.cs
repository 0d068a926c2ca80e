using Remediation.Contracts;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using LocalAws;
using Microsoft.Extensions.Time.Testing;
using Remediator.Acting;
using Remediator.Pipeline;

namespace Remediator.Tests.Acting;

/// <summary>
/// The later queue: the function, configured by its environment, puts an event whose start SSM refused for a limit
/// in an SQS queue (moto's) with a delay, and acts on it when the queue's event source mapping hands it back.
/// SSM and DynamoDB are the local endpoint, which enforces Automation's limits.
/// </summary>
public sealed class LaterQueueTests : IAsyncLifetime
{
    static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    readonly FakeTimeProvider clock = new(Start);
    LocalAwsEndpoint endpoint = null!;
    MotoServer moto = null!;
    AmazonSQSClient sqs = null!;
    string queueUrl = "";

    public async Task InitializeAsync()
    {
        endpoint = await LocalAwsEndpoint.StartAsync(clock);
        endpoint.RetryAfter = TimeSpan.FromMilliseconds(1);
        endpoint.Ssm.RegisterAutomationDocument(ActingHarness.Runbook, ActingHarness.RunbookParameterNames);
        endpoint.Dynamo.CreateTable(ActingHarness.Table);
        endpoint.Ssm.Quotas = new AutomationQuotas { Concurrent = 1, Queued = 0, Duration = TimeSpan.FromMinutes(3) };
        moto = await MotoServer.SharedAsync();
        sqs = new AmazonSQSClient(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = moto.Url, AuthenticationRegion = "us-east-1" });
        queueUrl = (await sqs.CreateQueueAsync("later-" + Guid.NewGuid().ToString("N"))).QueueUrl;
    }

    public async Task DisposeAsync()
    {
        await sqs.DeleteQueueAsync(queueUrl);
        sqs.Dispose();
        await endpoint.DisposeAsync();
    }

    Function Function() => Remediator.Function.FromEnvironment(key => key switch
    {
        "AWS_REGION" => "us-east-1",
        "AWS_ENDPOINT_URL" => endpoint.Url,
        "AWS_ENDPOINT_URL_SQS" => moto.Url,
        "AWS_ACCESS_KEY_ID" or "AWS_SECRET_ACCESS_KEY" => "test",
        "AWS_MAX_ATTEMPTS" => "2",
        RemediatorEnvironment.SafeCapacityProvider => "safe-capacity",
        RemediatorEnvironment.RunbookName => ActingHarness.Runbook,
        RemediatorEnvironment.ClaimsTable => ActingHarness.Table,
        RemediatorEnvironment.LaterQueueUrl => queueUrl,
        _ => null,
    }, TextWriter.Null, clock);

    static async Task<JsonObject> HandleAsync(Function function, string input)
    {
        await using var response = await function.Handle(new MemoryStream(Encoding.UTF8.GetBytes(input)));
        return (JsonObject)(await JsonNode.ParseAsync(response))!;
    }

    /// <summary>The later queue's message as Lambda's event source mapping delivers it (AWS Lambda Developer Guide, example Amazon SQS message event).</summary>
    static string SqsEvent(Message message)
    {
        var attributes = new JsonObject();
        foreach (var (name, value) in message.MessageAttributes)
            attributes[name] = new JsonObject { ["stringValue"] = value.StringValue, ["stringListValues"] = new JsonArray(), ["binaryListValues"] = new JsonArray(), ["dataType"] = value.DataType };
        return new JsonObject
        {
            ["Records"] = new JsonArray(new JsonObject
            {
                ["messageId"] = message.MessageId,
                ["receiptHandle"] = message.ReceiptHandle,
                ["body"] = message.Body,
                ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "1" },
                ["messageAttributes"] = attributes,
                ["md5OfBody"] = message.MD5OfBody,
                ["eventSource"] = "aws:sqs",
                ["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:later",
                ["awsRegion"] = "us-east-1",
            }),
        }.ToJsonString();
    }

    async Task<int> DelayedAsync() =>
        (await sqs.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessagesDelayed"])).ApproximateNumberOfMessagesDelayed;

    [Fact]
    public async Task Handle_StartRefusedForALimit_EventWaitsInTheQueueWithADelayAndNothingFails()
    {
        var function = Function();
        var first = await HandleAsync(function, SampleEvents.Standalone(task: 1, instance: 1).ToJsonString());

        var second = await HandleAsync(function, SampleEvents.Standalone(task: 2, instance: 2).ToJsonString());

        Assert.Equal("acted", first["outcome"]!.GetValue<string>());
        Assert.Equal(SkipCauses.Later, second["outcome"]!.GetValue<string>());
        Assert.Contains("AutomationExecutionLimitExceededException", second["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, await DelayedAsync());
        Assert.Single(endpoint.Ssm.Executions);
    }

    [Fact]
    public async Task Handle_MessageFromTheLaterQueue_StartsTheHostFixOnceWhenASlotIsFree()
    {
        var function = Function();
        await HandleAsync(function, SampleEvents.Standalone(task: 1, instance: 1).ToJsonString());
        var waiting = SampleEvents.Standalone(task: 2, instance: 2).ToJsonString();
        await new SqsLaterQueue(sqs, queueUrl).SendAsync(waiting, new LaterMark(1, Start), TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single((await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MessageAttributeNames = ["All"] })).Messages);

        var stillFull = await HandleAsync(function, SqsEvent(message));
        clock.Advance(TimeSpan.FromMinutes(4));
        var acted = await HandleAsync(function, SqsEvent(message));

        Assert.Equal(waiting, message.Body);
        Assert.Contains("wait 2", stillFull["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("acted", acted["outcome"]!.GetValue<string>());
        Assert.Equal([SampleEvents.InstanceArn(1), SampleEvents.InstanceArn(2)], endpoint.Ssm.Executions.Select(e => e.Parameter("ContainerInstanceArn")));
        Assert.Equal(["yes", "yes"], endpoint.Ssm.Executions.Select(e => e.Parameter("FixHost")));
    }

    [Fact]
    public async Task Handle_EventThatWaitedLongerThanLambdaKeepsEvents_FailsSoTheFailureQueueKeepsIt()
    {
        var function = Function();
        await HandleAsync(function, SampleEvents.Standalone(task: 1, instance: 1).ToJsonString());
        await new SqsLaterQueue(sqs, queueUrl).SendAsync(SampleEvents.Standalone(task: 2, instance: 2).ToJsonString(),
            new LaterMark(30, Start - LaterPolicy.MaxAge), TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single((await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MessageAttributeNames = ["All"] })).Messages);

        await Assert.ThrowsAsync<StartLaterException>(() => HandleAsync(function, SqsEvent(message)));

        Assert.Equal(0, await DelayedAsync());
    }
}
