using System.Text.Json.Nodes;

namespace Infra.Tests;

public class EventPatternTests(DefaultApp app) : IClassFixture<DefaultApp>
{
    JsonObject TaskStoppedPattern() =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::Events::Rule")
            .Single(r => r.Id.StartsWith("TaskStoppedRule", StringComparison.Ordinal))
            .Properties["EventPattern"]!.AsObject();

    static IEnumerable<string> Corpus(string folder) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Find(), "tests", "events", folder), "*.json").Order();

    public static TheoryData<string> FailureEvents() => [.. Corpus("failure").Select(f => Path.GetFileName(f))];

    public static TheoryData<string> HealthyEvents() => [.. Corpus("healthy").Select(f => Path.GetFileName(f))];

    static JsonNode Event(string folder, string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "tests", "events", folder, file)))!;

    [Theory]
    [MemberData(nameof(FailureEvents))]
    public void TaskStoppedPattern_FailureEvent_Matches(string file)
    {
        var pattern = TaskStoppedPattern();

        Assert.True(EventPatternMatcher.Matches(pattern, Event("failure", file)), $"{file} should reach the Remediator");
    }

    [Theory]
    [MemberData(nameof(HealthyEvents))]
    public void TaskStoppedPattern_HealthyEvent_DoesNotMatch(string file)
    {
        var pattern = TaskStoppedPattern();

        Assert.False(EventPatternMatcher.Matches(pattern, Event("healthy", file)), $"{file} should not invoke the Remediator");
    }

    [Fact]
    public void TaskStoppedPattern_Synthesized_IsStoppedEcsTasksWithTheResolveFailureInEitherReason()
    {
        var expected = JsonNode.Parse("""
            {
              "detail": {
                "lastStatus": ["STOPPED"],
                "$or": [
                  { "stoppedReason": [{ "wildcard": "*Failed to resolve*" }] },
                  { "containers": { "reason": [{ "wildcard": "*Failed to resolve*" }] } }
                ]
              },
              "detail-type": ["ECS Task State Change"],
              "source": ["aws.ecs"]
            }
            """);

        Assert.True(JsonNode.DeepEquals(expected, TaskStoppedPattern()), TaskStoppedPattern().ToJsonString());
    }

    [Theory]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"RUNNING","stoppedReason":"x Failed to resolve y"}}""", false)]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED","stoppedReason":"failed to resolve"}}""", false)]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED","containers":[{"reason":"ok"},{"reason":"Failed to resolve"}]}}""", true)]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED","containers":[{"reason":"ok"}]}}""", false)]
    public void Matches_HandMadeEvents_FollowsEventBridgeRules(string json, bool expected)
    {
        var matched = EventPatternMatcher.Matches(TaskStoppedPattern(), JsonNode.Parse(json));

        Assert.Equal(expected, matched);
    }
}
