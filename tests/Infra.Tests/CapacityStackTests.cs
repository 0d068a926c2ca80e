using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Infra.Constructs;

namespace Infra.Tests;

public class CapacityStackTests(DefaultApp app) : IClassFixture<DefaultApp>
{
    static Dictionary<string, object> Props(params (string Key, object Value)[] items) => items.ToDictionary(i => i.Key, i => i.Value);

    /// <summary>The launch template's user data: a plain string (no tokens in it) under Fn::Base64.</summary>
    static string UserData(JsonObject template) =>
        (string)SynthesizedApp.Single(template, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]!["UserData"]!["Fn::Base64"]!;

    [Fact]
    public void LaunchTemplate_Instances_RequireImdsv2AndEncryptedGp3()
    {
        app.Capacity.HasResourceProperties("AWS::EC2::LaunchTemplate", Match.ObjectLike(Props(
            ("LaunchTemplateData", Match.ObjectLike(Props(
                ("MetadataOptions", Match.ObjectLike(Props(("HttpTokens", "required")))),
                ("BlockDeviceMappings", new[] { Props(("DeviceName", "/dev/xvda"), ("Ebs", Props(("DeleteOnTermination", true), ("Encrypted", true), ("VolumeSize", 30), ("VolumeType", "gp3")))) }),
                ("ImageId", Match.AnyValue()))))))); 
    }

    [Fact]
    public void UserData_Default_JoinsTheClusterAndSetsTheAttributeOnlyAfterTheCheck()
    {
        var lines = UserData(app.CapacityJson).Split('\n');

        Assert.Contains("ECS_CLUSTER=ecs-dns-remediation", lines);
        var check = Array.FindIndex(lines, l => l.StartsWith($"if {SafeCapacity.ScriptPath} check --resolver 169.254.169.253 --json", StringComparison.Ordinal));
        Assert.True(check > 0);
        Assert.Equal($"  echo '{SafeCapacity.AttributeLine}' >> /etc/ecs/ecs.config", lines[check + 1]);
        Assert.Equal("ECS_INSTANCE_ATTRIBUTES={\"dns.local-resolver\":\"none\"}", SafeCapacity.AttributeLine);
        Assert.Contains(lines, l => l.Contains("dns.local-resolver\\\":\\\"at-risk", StringComparison.Ordinal) || l.Contains("\"dns.local-resolver\":\"at-risk\"", StringComparison.Ordinal));
    }

    [Fact]
    public void UserData_EmbeddedScript_DecompressesToResolvFixByteForByte()
    {
        var lines = UserData(app.CapacityJson).Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith("base64 -d <<'SCRIPT_END' | gunzip >", StringComparison.Ordinal));
        var end = lines.IndexOf("SCRIPT_END");

        var compressed = Convert.FromBase64String(string.Concat(lines.Skip(start + 1).Take(end - start - 1)));
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);

        Assert.Equal(app.HostScript("resolv-fix.sh"), reader.ReadToEnd());
        Assert.True(Encoding.UTF8.GetByteCount(UserData(app.CapacityJson)) <= SafeCapacity.MaxUserDataBytes);
    }

    [Fact]
    public void CapacityProvider_Scaling_ManagedWithTerminationProtection()
    {
        app.Capacity.HasResourceProperties("AWS::ECS::CapacityProvider", Match.ObjectLike(Props(
            ("Name", "dns-safe-capacity"),
            ("AutoScalingGroupProvider", Match.ObjectLike(Props(
                ("ManagedScaling", Match.ObjectLike(Props(("Status", "ENABLED")))),
                ("ManagedTerminationProtection", "ENABLED"))))))); 
        app.Capacity.HasResourceProperties("AWS::AutoScaling::AutoScalingGroup", Match.ObjectLike(Props(
            ("NewInstancesProtectedFromScaleIn", true),
            ("Tags", Match.ArrayWith([Props(("Key", "ecs-dns-remediation:cluster"), ("PropagateAtLaunch", true), ("Value", "ecs-dns-remediation"))])))));
    }

    [Fact]
    public void Association_CreatedCluster_HoldsTheSafeCapacityProvider()
    {
        var association = SynthesizedApp.Single(app.CapacityJson, "AWS::ECS::ClusterCapacityProviderAssociations");

        Assert.Equal("ecs-dns-remediation", (string?)association["Cluster"]);
        var provider = Assert.Single(association["CapacityProviders"]!.AsArray())!;
        Assert.StartsWith("{\"Ref\":\"SafeCapacityProvider", provider.ToJsonString());
        app.Capacity.ResourceCountIs("AWS::ECS::Cluster", 1);
    }

    [Fact]
    public void ExampleWorkload_Aspect_PlacesItOnTheSafeCapacity()
    {
        app.Capacity.HasResourceProperties("AWS::ECS::TaskDefinition", Match.ObjectLike(Props(
            ("NetworkMode", "awsvpc"),
            ("Volumes", new[] { Match.ObjectLike(Props(("EFSVolumeConfiguration", Match.AnyValue()))) }),
            ("PlacementConstraints", new[] { Props(("Type", "memberOf"), ("Expression", "attribute:dns.local-resolver == none")) }))));
        var service = SynthesizedApp.Single(app.CapacityJson, "AWS::ECS::Service");
        Assert.Equal("""[{"CapacityProvider":"dns-safe-capacity","Weight":1}]""", service["CapacityProviderStrategy"]!.ToJsonString());
        Assert.Null(service["LaunchType"]);
    }
}

public class ExistingClusterTests(ExistingClusterApp app) : IClassFixture<ExistingClusterApp>
{
    [Fact]
    public void Association_ExistingCluster_KeepsItsProvidersAndDefaultStrategy()
    {
        var association = SynthesizedApp.Single(app.CapacityJson, "AWS::ECS::ClusterCapacityProviderAssociations");

        Assert.Equal("prod", (string?)association["Cluster"]);
        var providers = association["CapacityProviders"]!.AsArray().Select(p => p!.ToJsonString()).ToList();
        Assert.Equal(["\"prod-ondemand\"", "\"prod-spot\""], providers.Take(2));
        Assert.StartsWith("{\"Ref\":\"SafeCapacityProvider", providers[2]);
        Assert.Equal(3, providers.Count);
        Assert.Equal("""[{"Base":1,"CapacityProvider":"prod-ondemand","Weight":1},{"Base":0,"CapacityProvider":"prod-spot","Weight":3}]""",
            association["DefaultCapacityProviderStrategy"]!.ToJsonString());
    }

    [Fact]
    public void Association_ExistingCluster_IsRetainedWhenTheStackIsDeleted()
    {
        var association = SynthesizedApp.Resources(app.CapacityJson, "AWS::ECS::ClusterCapacityProviderAssociations").Single().Id;

        Assert.Equal("Retain", (string?)app.CapacityJson["Resources"]![association]!["DeletionPolicy"]);
    }

    [Fact]
    public void Stack_ExistingVpcAndCluster_CreatesNeitherAndUsesTheGivenSubnets()
    {
        app.Capacity.ResourceCountIs("AWS::ECS::Cluster", 0);
        app.Capacity.ResourceCountIs("AWS::EC2::VPC", 0);
        var group = SynthesizedApp.Single(app.CapacityJson, "AWS::AutoScaling::AutoScalingGroup");

        Assert.Equal("""["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]""", group["VPCZoneIdentifier"]!.ToJsonString());
        Assert.Contains("ECS_CLUSTER=prod", ((string)SynthesizedApp.Single(app.CapacityJson, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]!["UserData"]!["Fn::Base64"]!).Split('\n'));
    }

    [Fact]
    public void Runbook_ExistingVpc_DefaultsToTheConfiguredSubnetsAndSecurityGroups()
    {
        var parameters = SynthesizedApp.Resources(app.RemediationJson, "AWS::SSM::Document")
            .Single(d => (string?)d.Properties["DocumentType"] == "Automation").Properties["Content"]!["parameters"]!;

        Assert.Equal("""["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]""", parameters["Subnets"]!["default"]!.ToJsonString());
        Assert.Equal("""["sg-0123456789abcdef0"]""", parameters["SecurityGroups"]!["default"]!.ToJsonString());
    }

    [Fact]
    public void SandboxStack_Enabled_BuildsTheFailingSetupOutsideTheAspect()
    {
        Assert.NotNull(app.SandboxJson);
        var userData = (string)SynthesizedApp.Single(app.SandboxJson!, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]!["UserData"]!["Fn::Base64"]!;
        var taskDefinition = SynthesizedApp.Resources(app.SandboxJson!, "AWS::ECS::TaskDefinition").First().Properties;

        Assert.Contains("listen-address=127.0.0.1", userData);
        Assert.Contains("nameserver 127.0.0.1", userData);
        Assert.Equal("awsvpc", (string?)taskDefinition["NetworkMode"]);
        Assert.NotNull(taskDefinition["Volumes"]![0]!["EFSVolumeConfiguration"]);
        Assert.Null(taskDefinition["PlacementConstraints"]);
        app.Sandbox!.ResourceCountIs("AWS::EFS::FileSystem", 1);
        app.Sandbox.HasResourceProperties("AWS::AutoScaling::AutoScalingGroup", Match.ObjectLike(new Dictionary<string, object>
        {
            ["Tags"] = Match.ArrayWith([new Dictionary<string, object> { ["Key"] = "ecs-dns-remediation:cluster", ["PropagateAtLaunch"] = true, ["Value"] = "ecs-dns-sandbox" }]),
        }));
    }
}
