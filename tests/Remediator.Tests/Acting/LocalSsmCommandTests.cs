using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using LocalAws;

namespace Remediator.Tests.Acting;

/// <summary>The local endpoint's Run Command operations, through the real SDK client (for the fleet command).</summary>
public sealed class LocalSsmCommandTests
{
    const string Document = "EcsDnsRemediation-ResolvFix";

    static async Task<(LocalAwsEndpoint, AmazonSimpleSystemsManagementClient)> StartAsync()
    {
        var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Ssm.RegisterCommandDocument(Document, "Action", "Resolver", "VerifyHost", "DryRun");
        var tags = new Dictionary<string, string> { ["ecs-cluster"] = "prod" };
        endpoint.Ssm.AddManagedInstance(new ManagedInstance("i-0000000000000000a", tags,
            _ => new CommandReply("Success", 0, """{"action":"check","verdict":"healthy"}""")));
        endpoint.Ssm.AddManagedInstance(new ManagedInstance("i-0000000000000000b", tags,
            _ => new CommandReply("Failed", 1, """{"action":"check","verdict":"at-risk"}""")));
        endpoint.Ssm.AddManagedInstance(new ManagedInstance("i-0000000000000000c", tags, _ => null));
        endpoint.Ssm.AddManagedInstance(new ManagedInstance("i-0000000000000000d", new Dictionary<string, string> { ["ecs-cluster"] = "other" },
            _ => new CommandReply("Success", 0, "{}")));
        var client = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"),
            new AmazonSimpleSystemsManagementConfig { ServiceURL = endpoint.Url, AuthenticationRegion = "us-east-1" });
        return (endpoint, client);
    }

    [Fact]
    public async Task SendCommand_ByTag_InvocationsReportEachInstanceAsSsmDoes()
    {
        var (endpoint, client) = await StartAsync();
        await using var _ = endpoint;
        using var __ = client;

        var sent = await client.SendCommandAsync(new SendCommandRequest
        {
            DocumentName = Document,
            Targets = [new Target { Key = "tag:ecs-cluster", Values = ["prod"] }],
            Parameters = new Dictionary<string, List<string>> { ["Action"] = ["check"] },
            MaxConcurrency = "10%",
            MaxErrors = "1",
        });
        var list = await client.ListCommandInvocationsAsync(new ListCommandInvocationsRequest { CommandId = sent.Command.CommandId, Details = true });
        var failed = await client.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = sent.Command.CommandId, InstanceId = "i-0000000000000000b" });

        Assert.Equal(3, sent.Command.TargetCount);
        Assert.Equal(["i-0000000000000000a:Success:0", "i-0000000000000000b:Failed:1", "i-0000000000000000c:InProgress:-1"],
            list.CommandInvocations.Select(i => $"{i.InstanceId}:{i.Status.Value}:{i.CommandPlugins[0].ResponseCode}"));
        Assert.Equal(("Failed", 1, """{"action":"check","verdict":"at-risk"}"""), (failed.Status.Value, failed.ResponseCode, failed.StandardOutputContent));
    }

    [Fact]
    public async Task SendCommand_UnknownDocument_InvalidDocument()
    {
        var (endpoint, client) = await StartAsync();
        await using var _ = endpoint;
        using var __ = client;

        await Assert.ThrowsAsync<InvalidDocumentException>(() => client.SendCommandAsync(new SendCommandRequest
        {
            DocumentName = "missing",
            InstanceIds = ["i-0000000000000000a"],
        }));
    }

    [Fact]
    public async Task GetCommandInvocation_InstanceNotTargeted_InvocationDoesNotExist()
    {
        var (endpoint, client) = await StartAsync();
        await using var _ = endpoint;
        using var __ = client;
        var sent = await client.SendCommandAsync(new SendCommandRequest { DocumentName = Document, InstanceIds = ["i-0000000000000000a"] });

        await Assert.ThrowsAsync<InvocationDoesNotExistException>(() => client.GetCommandInvocationAsync(
            new GetCommandInvocationRequest { CommandId = sent.Command.CommandId, InstanceId = "i-0000000000000000d" }));
    }
}
