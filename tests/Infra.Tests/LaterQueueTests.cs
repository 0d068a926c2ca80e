using System.Text.Json.Nodes;
using Remediation.Contracts;

namespace Infra.Tests;

/// <summary>The later queue as synthesized: where a limited start waits, how it comes back, where it ends when it cannot.</summary>
[Collection(nameof(DefaultApp))]
public class LaterQueueTests(DefaultApp app)
{
    (string Id, JsonObject Properties) Queue(string idPrefix) =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::SQS::Queue").Single(q => q.Id.StartsWith(idPrefix, StringComparison.Ordinal));

    [Fact]
    public void LaterQueue_Messages_ComeBackOneAtATimeWithBoundedConcurrency()
    {
        var (laterId, _) = Queue("RemediatorLaterQueue");
        var mapping = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::EventSourceMapping");

        Assert.Equal($"{{\"Fn::GetAtt\":[\"{laterId}\",\"Arn\"]}}", mapping["EventSourceArn"]!.ToJsonString());
        Assert.Equal(1, (int)mapping["BatchSize"]!);
        // MaximumConcurrency: 2 to 1,000 (CloudFormation AWS::Lambda::EventSourceMapping ScalingConfig).
        Assert.InRange((int)mapping["ScalingConfig"]!["MaximumConcurrency"]!, 2, 1000);
    }

    [Fact]
    public void LaterQueue_RepeatedFailures_EndInTheFailureQueueAndTheFunctionKnowsTheUrl()
    {
        var (laterId, later) = Queue("RemediatorLaterQueue");
        var (failureId, _) = Queue("RemediatorFailureQueue");
        var function = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function");

        Assert.Equal($"{{\"Fn::GetAtt\":[\"{failureId}\",\"Arn\"]}}", later["RedrivePolicy"]!["deadLetterTargetArn"]!.ToJsonString());
        Assert.True((bool)later["SqsManagedSseEnabled"]!);
        Assert.True((int)later["VisibilityTimeout"]! >= 6 * (int)function["Timeout"]!);
        Assert.Equal($"{{\"Ref\":\"{laterId}\"}}", function["Environment"]!["Variables"]![RemediatorEnvironment.LaterQueueUrl]!.ToJsonString());
        var statements = SynthesizedApp.Resources(app.RemediationJson, "AWS::IAM::Policy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray()).ToList();
        Assert.Contains(statements, s => s!["Action"]!.ToJsonString().Contains("sqs:SendMessage", StringComparison.Ordinal)
            && s["Resource"]!.ToJsonString().Contains(laterId, StringComparison.Ordinal));
    }
}
