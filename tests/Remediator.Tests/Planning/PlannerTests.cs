using static Remediation.Testing.Plans;
using Remediation.Contracts;
using System.Text.Json.Nodes;
using Remediator.Events;
using Remediator.Planning;
using Remediator.Tests.Support;

namespace Remediator.Tests.Planning;

public class PlannerTests
{
    static readonly RemediatorSettings Defaults = RemediatorSettings.Default;

    static readonly RemediatorSettings WithReschedule = Remediation.Testing.Plans.WithReschedule();

    /// <summary>The plan's JSON with the fields observe mode may change blanked out.</summary>
    static string ActionsJson(Plan plan) =>
        (PlanDocument.From(plan) with { Reason = "", Execute = false }).ToJson();

    [Theory]
    [InlineData("healthy/other-source.json")]
    [InlineData("healthy/container-instance-change.json")]
    [InlineData("healthy/running.json")]
    public void Plan_NotAStoppedEcsTask_Ignores(string sample)
    {
        var plan = PlanOf(sample);

        Assert.Equal(Decision.Ignore, plan.Decision);
        Assert.Equal(Cause.NotAStoppedTask, plan.Cause);
        Assert.Empty(plan.Actions);
        Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
    }

    [Theory]
    [InlineData("failure/ec2-awsvpc-service.json")]
    [InlineData("failure/ec2-awsvpc-mount-name-not-known.json")]
    [InlineData("failure/ec2-awsvpc-eni-long-type.json")]
    [InlineData("failure/ec2-awsvpc-unknown-fields.json")]
    public void Plan_Ec2AwsvpcWithSignature_RemediatesWithHostFix(string sample)
    {
        var plan = PlanOf(sample);

        Assert.Equal(Decision.Remediate, plan.Decision);
        var fix = Assert.IsType<FixHost>(Assert.Single(plan.Actions));
        Assert.Equal("arn:aws:ecs:us-east-1:111122223333:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f", fix.ContainerInstanceArn);
        Assert.Equal("169.254.169.253", fix.Resolver);
        Assert.Equal("fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com", fix.VerifyHost);
        Assert.True(plan.Execute);
    }

    [Fact]
    public void Plan_SignatureOnlyInAContainerReason_Remediates()
    {
        var plan = PlanOf("failure/ec2-awsvpc-container-reason.json");

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.Equal("fs-0123456789abcdef0.efs.us-east-1.amazonaws.com", plan.FixHost!.VerifyHost);
    }

    /// <summary>Current hosts' forms for a resolver that does not answer name no server: the runbook finds the file system.</summary>
    [Theory]
    [InlineData("failure/ec2-awsvpc-temporary-failure.json")]
    [InlineData("failure/ec2-awsvpc-plugin-timeout.json")]
    [InlineData("failure/ec2-awsvpc-plugin-timeout-socket.json")]
    public void Plan_FormWithoutAServerName_RemediatesWithAHostFixThatVerifiesNoName(string sample)
    {
        var plan = PlanOf(sample);

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.Null(plan.FixHost!.VerifyHost);
        Assert.Equal("arn:aws:ecs:us-east-1:111122223333:task-definition/app:7", plan.FixHost.TaskDefinitionArn);
    }

    [Theory]
    [InlineData("failure/ec2-awsvpc-truncated-in-host.json")]
    [InlineData("failure/ec2-awsvpc-truncated-after-multibyte.json")]
    [InlineData("failure/ec2-awsvpc-hostile-host.json")]
    public void Plan_HostCutOrInvalid_RemediatesWithoutAHost(string sample)
    {
        var plan = PlanOf(sample);

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.Null(plan.Diagnosis.Host);
        Assert.Null(plan.FixHost!.VerifyHost);
        Assert.DoesNotContain("$(", PlanDocument.From(plan).ToJson());
    }

    [Fact]
    public void Plan_StandaloneTaskWithReschedulingOn_AddsRescheduleWithAttemptMarker()
    {
        var plan = PlanOf("failure/ec2-awsvpc-standalone.json", WithReschedule);

        Assert.Equal(Decision.Remediate, plan.Decision);
        var reschedule = plan.Reschedule!;
        Assert.Equal("ecs-dns-remediation/attempt-1", reschedule.StartedBy);
        Assert.Equal(1, reschedule.Attempt);
        Assert.Equal("safe-capacity", reschedule.CapacityProvider);
        Assert.Equal("family:app", reschedule.Group);
        Assert.Equal("arn:aws:ecs:us-east-1:111122223333:task-definition/app:7", reschedule.TaskDefinitionArn);
        Assert.Equal(["subnet-0a1b2c3d4e5f60718"], reschedule.Subnets);
        Assert.Equal("""{"containerOverrides":[{"name":"app"}]}""", reschedule.OverridesJson);
    }

    [Fact]
    public void Plan_StandaloneTaskWithReschedulingOff_FixesHostOnly()
    {
        var plan = PlanOf("failure/ec2-awsvpc-standalone.json");

        Assert.IsType<FixHost>(Assert.Single(plan.Actions));
        Assert.Contains("rescheduling is off", plan.Reason);
    }

    [Fact]
    public void Plan_ServiceTask_IsNeverRescheduled()
    {
        var plan = PlanOf("failure/ec2-awsvpc-service.json", WithReschedule);

        Assert.IsType<FixHost>(Assert.Single(plan.Actions));
        Assert.Contains("service scheduler", plan.Reason);
    }

    [Fact]
    public void Plan_Fargate_Notifies()
    {
        var plan = PlanOf("failure/fargate-efs-utils.json");

        Assert.Equal(Decision.Notify, plan.Decision);
        Assert.Equal(Cause.Fargate, plan.Cause);
        Assert.Empty(plan.Actions);
    }

    [Theory]
    [InlineData("failure/ec2-bridge.json")]
    [InlineData("failure/ec2-host-mode.json")]
    public void Plan_Ec2WithoutTaskEni_Notifies(string sample)
    {
        var plan = PlanOf(sample);

        Assert.Equal(Decision.Notify, plan.Decision);
        Assert.Equal(Cause.NoTaskEni, plan.Cause);
        Assert.Empty(plan.Actions);
    }

    [Theory]
    [InlineData("failure/ec2-awsvpc-efs-proxy-reset.json")]
    [InlineData("failure/ec2-awsvpc-efs-proxy-timed-out.json")]
    [InlineData("failure/ec2-awsvpc-efs-proxy-container-reason.json")]
    [InlineData("failure/ec2-awsvpc-efs-proxy-tunnel.json")]
    [InlineData("failure/ec2-awsvpc-efs-proxy-truncated.json")]
    [InlineData("failure/ec2-awsvpc-stunnel-tls-tunnel.json")]
    [InlineData("failure/ec2-awsvpc-efs-utils.json")]
    public void Plan_Ec2AwsvpcCandidateWithoutResolveWords_RemediatesWithHostFixAndTheTaskDefinition(string sample)
    {
        var plan = PlanOf(sample);

        Assert.Equal(Decision.Remediate, plan.Decision);
        var fix = Assert.IsType<FixHost>(Assert.Single(plan.Actions));
        Assert.Equal("arn:aws:ecs:us-east-1:111122223333:task-definition/app:7", fix.TaskDefinitionArn);
    }

    [Theory]
    [InlineData("not-candidate/ec2-awsvpc-access-denied.json", Cause.ServerAnswered)]
    [InlineData("not-candidate/ec2-awsvpc-iam-permission-denied.json", Cause.ServerAnswered)]
    [InlineData("not-candidate/ec2-awsvpc-other-volume-plugin.json", Cause.NoSignature)]
    public void Plan_NotACandidate_Ignores(string sample, Cause cause)
    {
        var plan = PlanOf(sample, WithReschedule);

        Assert.Equal(Decision.Ignore, plan.Decision);
        Assert.Equal(cause, plan.Cause);
        Assert.Empty(plan.Actions);
    }

    public static TheoryData<string, string, string> ExpectedPlans()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var f in File.ReadLines(Corpus.Path("expected.tsv")).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')))
            data.Add(f[0], f[1], f[2]);
        return data;
    }

    [Theory]
    [MemberData(nameof(ExpectedPlans))]
    public void Plan_EverySample_GivesTheExpectedDecisionAndActions(string sample, string decision, string actions)
    {
        var document = PlanDocument.From(PlanOf(sample));

        Assert.Equal(decision, document.Decision);
        Assert.Equal(actions, document.Actions.Count == 0 ? "-" : string.Join(",", document.Actions.Select(a => a.Type)));
    }

    [Fact]
    public void Plan_OverrideLongerThanAnAutomationParameterValue_DoesNotReschedule()
    {
        var big = new string('x', 600);
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e =>
            e["detail"]!["overrides"] = JsonNode.Parse($$"""{"containerOverrides":[{"name":"app","command":["{{big}}"]}]}"""));

        var plan = PlanOf(json, WithReschedule);

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.IsType<FixHost>(Assert.Single(plan.Actions));
        Assert.Contains("not rescheduled: a container override is longer than 512 characters", plan.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// 1,400 "é" are 1,400 characters, more than an Automation parameter value holds, however they are written;
    /// written as JSON escapes (six characters each) they would also pass ECS's 8 KiB of overrides.
    /// </summary>
    [Fact]
    public void Plan_OverrideTooLongForTheRunbook_NoRescheduleAndTheReasonSaysWhy()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e => e["detail"]!["overrides"] = new JsonObject
        {
            ["containerOverrides"] = new JsonArray(new JsonObject
            {
                ["name"] = "app",
                ["environment"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = new string('é', 1400) }),
            }),
        });

        var plan = PlanOf(json, WithReschedule);

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.Null(plan.Reschedule);
        Assert.Contains("not rescheduled", plan.Reason, StringComparison.Ordinal);
    }

    /// <summary>The runbook's RunTask takes container overrides only: a task role or size of the task's own is not carried, so the task is not rescheduled.</summary>
    [Theory]
    [InlineData("taskRoleArn", "\"arn:aws:iam::111122223333:role/app-override\"")]
    [InlineData("memory", "\"4096\"")]
    [InlineData("ephemeralStorage", "{\"sizeInGiB\":50}")]
    public void Plan_TaskLevelOverride_NoRescheduleAndTheReasonNamesIt(string field, string value)
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e =>
            e["detail"]!["overrides"] = JsonNode.Parse($$"""{"containerOverrides":[{"name":"app"}],"{{field}}":{{value}}}"""));

        var plan = PlanOf(json, WithReschedule);

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.Null(plan.Reschedule);
        Assert.Contains(field, plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_EmptyTaskLevelOverrides_StillReschedules()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e =>
            e["detail"]!["overrides"] = JsonNode.Parse("""{"containerOverrides":[{"name":"app"}],"inferenceAcceleratorOverrides":[]}"""));

        Assert.NotNull(PlanOf(json, WithReschedule).Reschedule);
    }

    [Theory]
    [InlineData("healthy/image-pull-dns.json", Cause.OtherDnsFailure)]
    [InlineData("healthy/essential-container-exited.json", Cause.NoSignature)]
    [InlineData("healthy/scaling-activity.json", Cause.NoSignature)]
    [InlineData("healthy/user-stopped.json", Cause.NoSignature)]
    public void Plan_OtherStops_NeverRemediate(string sample, Cause cause)
    {
        var plan = PlanOf(sample, WithReschedule);

        Assert.Equal(Decision.Ignore, plan.Decision);
        Assert.Equal(cause, plan.Cause);
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void Plan_TaskAtTheAttemptLimit_Notifies()
    {
        var plan = PlanOf("failure/ec2-awsvpc-attempt-limit.json", WithReschedule);

        Assert.Equal(Decision.Notify, plan.Decision);
        Assert.Equal(Cause.AttemptLimit, plan.Cause);
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void Plan_TaskBelowTheAttemptLimit_ReschedulesWithTheNextAttempt()
    {
        var plan = PlanOf("failure/ec2-awsvpc-rescheduled-once.json", WithReschedule);

        Assert.Equal(2, plan.Reschedule!.Attempt);
        Assert.Equal("ecs-dns-remediation/attempt-2", plan.Reschedule.StartedBy);
    }

    [Fact]
    public void Plan_LowerAttemptLimit_StopsEarlier()
    {
        var settings = RemediatorSettings.From(k => k == RemediatorEnvironment.MaxAttempts ? "1" : null);

        var plan = PlanOf("failure/ec2-awsvpc-rescheduled-once.json", settings);

        Assert.Equal(Decision.Notify, plan.Decision);
        Assert.Equal(Cause.AttemptLimit, plan.Cause);
    }

    [Fact]
    public void Plan_ObserveMode_PlansTheSameButDoesNotExecute()
    {
        var observe = RemediatorSettings.From(k => k switch
        {
            RemediatorEnvironment.Mode => "observe",
            RemediatorEnvironment.SafeCapacityProvider => "safe-capacity",
            _ => null,
        });

        var observed = PlanOf("failure/ec2-awsvpc-standalone.json", observe);
        var remediated = PlanOf("failure/ec2-awsvpc-standalone.json", WithReschedule);

        Assert.Equal(remediated.Decision, observed.Decision);
        Assert.Equal(ActionsJson(remediated), ActionsJson(observed));
        Assert.True(remediated.Execute);
        Assert.False(observed.Execute);
        Assert.Contains("observe mode", observed.Reason);
    }

    /// <summary>The allowlist's settings, with the function's own account and Region (the samples' are 111122223333, us-east-1).</summary>
    static RemediatorSettings Allowing(string clusters, string account = "111122223333", string region = "us-east-1", string? hubAccount = null) =>
        RemediatorSettings.From(k => k switch
        {
            RemediatorEnvironment.AllowedClusters => clusters,
            RemediatorEnvironment.Account => account,
            RemediatorEnvironment.Region => region,
            RemediatorEnvironment.HubAccount => hubAccount,
            _ => null,
        });

    /// <summary>The service sample's failure, in cluster prod of another account and Region.</summary>
    static byte[] ElsewhereInProd(string account, string region) => Corpus.Edited("failure/ec2-awsvpc-service.json", e =>
    {
        e["account"] = account;
        e["region"] = region;
        var detail = e["detail"]!;
        foreach (var field in new[] { "clusterArn", "containerInstanceArn", "taskArn", "taskDefinitionArn" })
            detail[field] = detail[field]!.GetValue<string>().Replace(":us-east-1:111122223333:", $":{region}:{account}:", StringComparison.Ordinal);
    });

    [Fact]
    public void Plan_ClusterNotInAllowlist_Ignores()
    {
        var plan = PlanOf("failure/ec2-awsvpc-service.json", Allowing("staging, batch"));

        Assert.Equal(Decision.Ignore, plan.Decision);
        Assert.Equal(Cause.ClusterNotAllowed, plan.Cause);
    }

    [Fact]
    public void Plan_ClusterInAllowlistByArn_Remediates()
    {
        var settings = Allowing("staging,arn:aws:ecs:us-east-1:111122223333:cluster/prod");

        Assert.Equal(Decision.Remediate, PlanOf("failure/ec2-awsvpc-service.json", settings).Decision);
    }

    [Theory]
    [InlineData("999999999999", "eu-west-1")]
    [InlineData("999999999999", "us-east-1")]
    [InlineData("111122223333", "eu-west-1")]
    public void Plan_AllowlistArnAndAClusterOfTheSameNameElsewhere_Ignores(string account, string region)
    {
        var settings = Allowing("arn:aws:ecs:us-east-1:111122223333:cluster/prod");

        var plan = PlanOf(ElsewhereInProd(account, region), settings);

        Assert.Equal(Cause.ClusterNotAllowed, plan.Cause);
    }

    [Theory]
    [InlineData("999999999999", "eu-west-1")]
    [InlineData("111122223333", "eu-west-1")]
    public void Plan_AllowlistNameAndThatNameOutsideTheFunctionsAccountAndRegion_Ignores(string account, string region)
    {
        var plan = PlanOf(ElsewhereInProd(account, region), Allowing("prod"));

        Assert.Equal(Cause.ClusterNotAllowed, plan.Cause);
        Assert.Equal(Decision.Remediate, PlanOf("failure/ec2-awsvpc-service.json", Allowing("prod")).Decision);
    }

    [Fact]
    public void Plan_AllowlistNameInHubMode_ThatNameInEveryAccountAndRegion()
    {
        var plan = PlanOf(ElsewhereInProd("999999999999", "eu-west-1"), Allowing("prod", hubAccount: "111122223333"));

        Assert.Equal(Decision.Remediate, plan.Decision);
    }

    [Theory]
    [InlineData("containerInstanceArn", "arn:aws:ecs:us-east-1:111122223333:container-instance/prod/$(reboot)")]
    [InlineData("containerInstanceArn", null)]
    public void Plan_InvalidContainerInstance_NotifiesInsteadOfActing(string field, string? value)
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-service.json", e => e["detail"]![field] = value);

        var plan = PlanOf(json);

        Assert.Equal(Decision.Notify, plan.Decision);
        Assert.Equal(Cause.InvalidEventField, plan.Cause);
        Assert.Empty(plan.Actions);
    }

    [Fact]
    public void Plan_MissingLaunchTypeButContainerInstance_TreatedAsEc2()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-service.json", e => e["detail"]!.AsObject().Remove("launchType"));

        Assert.Equal(Decision.Remediate, PlanOf(json).Decision);
    }

    [Fact]
    public void Plan_InvalidTaskDefinitionArn_FixesHostButDoesNotReschedule()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json",
            e => e["detail"]!["taskDefinitionArn"] = "arn:aws:ecs:us-east-1:111122223333:task-definition/app:7 --cluster other");

        var plan = PlanOf(json, WithReschedule);

        Assert.Equal(Decision.Remediate, plan.Decision);
        Assert.IsType<FixHost>(Assert.Single(plan.Actions));
        Assert.Contains("not rescheduled", plan.Reason);
    }

    [Fact]
    public void Plan_InvalidSubnet_IsLeftOutOfTheReschedule()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e =>
            e["detail"]!["attachments"]![0]!["details"]![0]!["value"] = "subnet-x; reboot");

        var plan = PlanOf(json, WithReschedule);

        Assert.Empty(plan.Reschedule!.Subnets);
    }

    [Fact]
    public void Plan_SameEventTwice_GivesTheSamePlan()
    {
        var first = PlanDocument.From(PlanOf("failure/ec2-awsvpc-standalone.json", WithReschedule)).ToJson();
        var second = PlanDocument.From(PlanOf("failure/ec2-awsvpc-standalone.json", WithReschedule)).ToJson();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Plan_EveryFailureSample_HasADnsDiagnosis()
    {
        foreach (var sample in Corpus.Files("failure"))
            Assert.True(PlanOf(sample).Diagnosis.IsCandidate, sample);
    }

    [Fact]
    public void Plan_DetailWithNoClusterArn_IgnoresWithReason()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-service.json", e => e["detail"]!["clusterArn"] = JsonValue.Create(7));

        var plan = PlanOf(json);

        Assert.Equal(Decision.Ignore, plan.Decision);
        Assert.Equal(Cause.InvalidEventField, plan.Cause);
    }
}
