using System.Text.Json.Nodes;
using Infra.Stacks;

namespace Infra.Tests;

/// <summary>What the sandbox self-check (infra/selfcheck/sandbox-self-check.sh) reads from the sandbox stack.</summary>
[Collection(nameof(ExistingClusterApp))]
public class SandboxStackTests(ExistingClusterApp app)
{
    JsonObject Sandbox => app.SandboxJson!;

    string UserData => (string)SynthesizedApp.Single(Sandbox, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]!["UserData"]!["Fn::Base64"]!;

    [Fact]
    public void TaskDefinitions_BothForms_TlsForEfsProxyAndPlainForLegacyMountNfs()
    {
        var encryption = SynthesizedApp.Resources(Sandbox, "AWS::ECS::TaskDefinition")
            .ToDictionary(t => t.Id[..t.Id.IndexOf("TaskDefinition", StringComparison.Ordinal)],
                t => (string?)t.Properties["Volumes"]![0]!["EFSVolumeConfiguration"]!["TransitEncryption"]);

        Assert.Equal(new Dictionary<string, string?> { [""] = "ENABLED", ["Legacy"] = "DISABLED" }, encryption);
    }

    [Fact]
    public void Outputs_SelfCheckInputs_AreAllThere()
    {
        var outputs = Sandbox["Outputs"]!.AsObject().Select(o => o.Key).ToHashSet();

        Assert.Superset(new HashSet<string> { "SandboxCluster", "SandboxService", "SandboxFileSystemId", "SandboxTaskDefinition",
            "SandboxLegacyTaskDefinition", "SandboxSubnets", "SandboxTaskSecurityGroup" }, outputs);
    }

    [Fact]
    public void UserData_Boot_KeepsTheAmisResolvConfBeforeBreakingIt()
    {
        var keep = UserData.IndexOf($"cp --dereference /etc/resolv.conf {SandboxStack.StateDirectory}/resolv.conf.original", StringComparison.Ordinal);
        var link = UserData.IndexOf($"readlink /etc/resolv.conf > {SandboxStack.StateDirectory}/resolv.conf.link", StringComparison.Ordinal);
        var breakRun = UserData.LastIndexOf("\n" + SandboxStack.BreakScript, StringComparison.Ordinal);

        Assert.True(keep > 0 && link > 0, "the AMI's resolv.conf is recorded");
        Assert.True(breakRun > keep && breakRun > link, "and only then replaced by the failing setup");
        Assert.Contains($"cat > {SandboxStack.BreakScript} <<'BREAK_END'", UserData);
        Assert.Contains("mv -f \"${tmp}\" /etc/resolv.conf", UserData);
    }
}
