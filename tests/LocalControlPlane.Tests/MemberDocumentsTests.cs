using LocalControlPlane.Ecs;
using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

/// <summary>
/// The member part that the organization's StackSet deploys, run by the local control plane as member account
/// 222233334444 in eu-west-1 sees it: the runbook the hub's Remediator starts there finds its own role, its own
/// evidence and host-fix documents and its own topic, reads that account's task definition, and acts on that
/// account's container instance.
/// </summary>
public sealed class MemberDocumentsTests(OrganizationAssembly organization) : IClassFixture<OrganizationAssembly>
{
    const string Runbook = "EcsDnsRemediationMember-Remediate";
    const string Cluster = $"arn:aws:ecs:{OrganizationAssembly.MemberRegion}:{OrganizationAssembly.MemberAccount}:cluster/prod";
    const string Instance = $"arn:aws:ecs:{OrganizationAssembly.MemberRegion}:{OrganizationAssembly.MemberAccount}:container-instance/prod/0123456789abcdef0123456789abcdef";
    const string TaskDefinition = $"arn:aws:ecs:{OrganizationAssembly.MemberRegion}:{OrganizationAssembly.MemberAccount}:task-definition/app:3";
    const string FileSystemId = "fs-0123456789abcdef0";
    const string VerifyHost = FileSystemId + ".efs.eu-west-1.amazonaws.com";

    /// <summary>The member's instance answers the evidence command with verdict=fix-host, then the host fix with <paramref name="exitCode"/>.</summary>
    (ControlPlane Plane, FakeShell Shell) Setup(int exitCode)
    {
        var shell = new FakeShell()
            .Answer(0, stdout: "verdict=fix-host\nsummary: resolv.conf is at risk\n")
            .Answer(exitCode, stdout: "{\"action\":\"fix\"}\n");
        var plane = ControlPlane.Create(organization.Member, l => new LocalEcs(Cluster,
            [new ContainerInstance { Arn = Instance, ClusterArn = Cluster, Ec2InstanceId = "i-0ccccccccccccccc3", CapacityProvider = "default" }],
            [TaskDefinition], ["default"], l, new Dictionary<string, string> { [TaskDefinition] = FileSystemId }), new FakeLauncher(), shell);
        return (plane, shell);
    }

    static IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters() => new Dictionary<string, IReadOnlyList<string>>
    {
        ["ClusterArn"] = [Cluster],
        ["ContainerInstanceArn"] = [Instance],
        ["VerifyHost"] = [VerifyHost],
        ["TaskDefinitionArn"] = [TaskDefinition],
    };

    [Fact]
    public void Runbook_InTheMember_DefaultsToTheMembersOwnRoleAndTopic()
    {
        var parameters = organization.Member.Get(Runbook, "Automation").Parameters.ToDictionary(p => p.Name);

        Assert.Matches($"^arn:aws:iam::{OrganizationAssembly.MemberAccount}:role/", parameters["AutomationAssumeRole"].Default!.GetValue<string>());
        Assert.StartsWith($"arn:aws:sns:{OrganizationAssembly.MemberRegion}:{OrganizationAssembly.MemberAccount}:",
            parameters["NotificationTopicArn"].Default!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(parameters["Subnets"].Default!.AsArray());
    }

    [Fact]
    public async Task Runbook_HostFixSucceeds_RunsTheMembersResolvFixOnTheMembersInstance()
    {
        var (plane, shell) = Setup(exitCode: 0);

        var execution = await plane.Executor.RunAsync(Runbook, Parameters());

        Assert.Equal("Success", execution.Status);
        Assert.Equal([Runbook, "EcsDnsRemediationMember-EfsEvidence", "EcsDnsRemediationMember-ResolvFix"], execution.DocumentsRun);
        Assert.Equal(["i-0ccccccccccccccc3", "i-0ccccccccccccccc3"], shell.Runs.Select(r => r.InstanceId));
        Assert.Contains($"--verify-host \"{VerifyHost}\" --file-system-id '[\"{FileSystemId}\"]' --region \"{OrganizationAssembly.MemberRegion}\"",
            shell.Runs[0].Script, StringComparison.Ordinal);
        Assert.Contains($"args+=(--verify-host \"{VerifyHost}\")", shell.Runs[1].Script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runbook_HostFixFails_NotifiesOnTheMembersTopicAndFails()
    {
        var (plane, _) = Setup(exitCode: 4);

        var execution = await plane.Executor.RunAsync(Runbook, Parameters());

        Assert.Equal("Failed", execution.Status);
        var notification = plane.Sns.Notifications.Single();
        Assert.StartsWith($"arn:aws:sns:{OrganizationAssembly.MemberRegion}:{OrganizationAssembly.MemberAccount}:", notification.TopicArn, StringComparison.Ordinal);
        Assert.StartsWith("The host fix (resolv-fix) failed", notification.Message, StringComparison.Ordinal);
    }
}
