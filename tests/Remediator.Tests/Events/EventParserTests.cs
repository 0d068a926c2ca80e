using System.Text;
using System.Text.Json;
using Remediator.Events;
using Remediator.Tests.Support;

namespace Remediator.Tests.Events;

public class EventParserTests
{
    static ParseResult Parse(string json) => EventParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_StoppedTaskEvent_ReadsTheFieldsTheRemediatorUses()
    {
        var result = EventParser.Parse(Corpus.Bytes("failure/ec2-awsvpc-standalone.json"));

        var task = Assert.IsType<ParseResult.Stopped>(result).Task;
        Assert.Equal("arn:aws:ecs:us-east-1:111122223333:cluster/prod", task.ClusterArn);
        Assert.Equal("EC2", task.LaunchType);
        Assert.Equal("family:app", task.Group);
        Assert.True(task.HasEniAttachment);
        Assert.Equal("subnet-0a1b2c3d4e5f60718", task.SubnetId);
        Assert.Contains("Failed to resolve server", task.StoppedReason);
        Assert.Equal("""{"containerOverrides":[{"name":"app"}]}""", task.OverridesJson!.Replace(" ", "").Replace("\n", ""));
    }

    [Fact]
    public void Parse_UnknownFieldsEverywhere_AreIgnored()
    {
        var result = EventParser.Parse(Corpus.Bytes("failure/ec2-awsvpc-unknown-fields.json"));

        Assert.IsType<ParseResult.Stopped>(result);
    }

    [Theory]
    [InlineData("""{"source":"aws.ec2","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED"}}""", "source")]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Container Instance State Change","detail":{"lastStatus":"STOPPED"}}""", "detail-type")]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"RUNNING"}}""", "lastStatus")]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Task State Change"}""", "no detail")]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":"STOPPED"}""", "no detail")]
    [InlineData("""[1,2,3]""", "not an EventBridge event")]
    [InlineData("""null""", "not an EventBridge event")]
    [InlineData("""{}""", "source")]
    public void Parse_NotAStoppedEcsTask_IsIgnoredWithAReason(string json, string reasonMentions)
    {
        var result = Parse(json);

        var ignored = Assert.IsType<ParseResult.Ignored>(result);
        Assert.Contains(reasonMentions, ignored.Reason);
    }

    [Fact]
    public void Parse_FieldsOfTheWrongType_CountAsMissing()
    {
        var json = """
            {"id":"e1","source":"aws.ecs","detail-type":"ECS Task State Change",
             "detail":{"lastStatus":"STOPPED","clusterArn":42,"version":"3","attachments":{"type":"eni"},
                       "containers":[1,"x",{"reason":7},{"name":"app","reason":"r"}],"overrides":[]}}
            """;

        var task = Assert.IsType<ParseResult.Stopped>(Parse(json)).Task;

        Assert.Null(task.ClusterArn);
        Assert.Empty(task.Attachments);
        Assert.Null(task.OverridesJson);
        Assert.Equal(["r"], task.Reasons());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("{\"source\": aws.ecs}")]
    public void Parse_MalformedJson_Throws(string json)
    {
        Assert.ThrowsAny<JsonException>(() => Parse(json));
    }

    [Fact]
    public void Reasons_ListTheTaskReasonThenEachContainersReason()
    {
        var task = Assert.IsType<ParseResult.Stopped>(EventParser.Parse(Corpus.Bytes("failure/ec2-awsvpc-container-reason.json"))).Task;

        var reasons = task.Reasons().ToList();

        Assert.Equal(3, reasons.Count);
        Assert.Equal("Task failed to start", reasons[0]);
        Assert.Equal("Essential container in task exited", reasons[1]);
        Assert.StartsWith("CannotCreateContainerError", reasons[2]);
    }
}
