using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Infra.Constructs;
using Infra.Documents;
using Remediation.Contracts;
using Remediator.Planning;

namespace Infra.Tests;

[Collection(nameof(DefaultApp))]
public class CapacityStackTests(DefaultApp app)
{
    static Dictionary<string, object> Props(params (string Key, object Value)[] items) => items.ToDictionary(i => i.Key, i => i.Value);

    /// <summary>
    /// The launch template's user data, Fn::Base64 over Fn::Join: strings as they are, each token (Region, asset
    /// bucket) rendered by <paramref name="token"/>.
    /// </summary>
    internal static string UserData(JsonObject template, Func<JsonNode, string> token)
    {
        var userData = SynthesizedApp.Single(template, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]!["UserData"]!["Fn::Base64"]!;
        if (userData is JsonValue)
            return (string)userData!;
        var join = userData["Fn::Join"]!.AsArray();
        Assert.Equal("", (string?)join[0]);
        return string.Concat(join[1]!.AsArray().Select(p => p is JsonValue v && v.TryGetValue<string>(out var text) ? text : token(p!)));
    }

    static string UserData(JsonObject template) => UserData(template, t => t.ToJsonString());

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    string BootScriptPathIn(string directory) => Path.Combine(directory, SafeCapacity.BootScriptFileName);

    /// <summary>The identity policy statements of the capacity stack, by Sid.</summary>
    JsonObject Statement(string sid) =>
        SynthesizedApp.Resources(app.CapacityJson, "AWS::IAM::Policy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Single(s => (string?)s!["Sid"] == sid)!.AsObject();

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
    public void UserData_Default_JoinsTheClusterThenRunsTheBootScriptInstallLast()
    {
        var lines = UserData(app.CapacityJson).Split('\n');
        var asset = app.Stacks.Capacity!.SafeCapacities.Single().ResolvFixAsset;

        Assert.Contains("ECS_CLUSTER=ecs-dns-remediation", lines);
        Assert.True(Array.IndexOf(lines, "ECS_CLUSTER=ecs-dns-remediation") < Array.FindIndex(lines, l => l.StartsWith("base64 -d", StringComparison.Ordinal)));
        Assert.Equal(
            $"{SafeCapacity.BootScriptPath} install --resolver 169.254.169.253 --cluster ecs-dns-remediation --capacity-provider dns-safe-capacity" +
            " --region {\"Ref\":\"AWS::Region\"} --script-url {\"Fn::Sub\":\"s3://cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}" +
            $"/{asset.AssetHash}.sh\"}} --script-sha256 {Sha256(JoinedHostScript.ByTheBatsJoin(app.Root, SafeCapacity.ResolvFixFileName))}",
            lines[^1]);
        Assert.DoesNotContain(lines, l => l.StartsWith("ECS_INSTANCE_ATTRIBUTES", StringComparison.Ordinal));
    }

    [Fact]
    public void UserData_EmbeddedBootScript_DecompressesToSafeCapacityBootByteForByte()
    {
        var lines = UserData(app.CapacityJson).Split('\n').ToList();
        var start = lines.IndexOf($"base64 -d <<'SCRIPT_END' | gunzip > {SafeCapacity.BootScriptPath}");
        var end = lines.IndexOf("SCRIPT_END");

        Assert.True(start > 0 && end > start);
        var compressed = Convert.FromBase64String(string.Concat(lines.Skip(start + 1).Take(end - start - 1)));
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var decompressed = new MemoryStream();
        gzip.CopyTo(decompressed);

        Assert.Equal(File.ReadAllBytes(BootScriptPathIn(Path.Combine(app.Root, "hostscripts"))), decompressed.ToArray());
        Assert.Equal($"chmod 0755 {SafeCapacity.BootScriptPath}", lines[end + 1]);
    }

    [Fact]
    public void UserData_TokensAtTheirLongest_StaysWithinTheBudget()
    {
        // Tokens resolved with a Region name longer than any (the longest today has 14 characters).
        const string region = "xx-xxxxxxxxxxxxxxx-9";
        var bytes = Encoding.UTF8.GetByteCount(UserData(app.CapacityJson, t => t["Ref"] is not null
            ? region
            : ((string)t["Fn::Sub"]!).Replace("${AWS::AccountId}", "111122223333", StringComparison.Ordinal).Replace("${AWS::Region}", region, StringComparison.Ordinal)));

        Assert.True(bytes <= SafeCapacity.UserDataBudgetBytes, $"safe capacity user data is {bytes} bytes; budget {SafeCapacity.UserDataBudgetBytes}");
        Assert.True(SafeCapacity.UserDataBudgetBytes <= 16384 / 2);
    }

    [Fact]
    public void ResolvFixAsset_Staged_IsResolvFixJoinedWithItsLibraryAndTheUserDataChecksItsSha256()
    {
        var asset = app.Stacks.Capacity!.SafeCapacities.Single().ResolvFixAsset;
        var staged = Path.Combine(Stage.Of(app.Stacks.Capacity)!.Outdir, asset.AssetPath);
        var script = JoinedHostScript.ByTheBatsJoin(app.Root, SafeCapacity.ResolvFixFileName);

        Assert.Equal(script, File.ReadAllBytes(staged));
        Assert.DoesNotContain(HostScript.LibrarySourceLine, Encoding.UTF8.GetString(script), StringComparison.Ordinal);
        Assert.Contains("is_dns_name() {", Encoding.UTF8.GetString(script), StringComparison.Ordinal);
        Assert.Equal(Sha256(script), app.Stacks.Capacity!.SafeCapacities.Single().ResolvFixSha256);
        Assert.Contains($" --script-sha256 {Sha256(script)}", UserData(app.CapacityJson), StringComparison.Ordinal);
    }

    [Fact]
    public void InstanceRole_ScriptDownload_OnlyTheResolvFixObject()
    {
        var statement = Statement("ReadResolvFixScript");
        var key = app.Stacks.Capacity!.SafeCapacities.Single().ResolvFixAsset.AssetHash + ".sh";

        Assert.Equal("s3:GetObject", (string?)statement["Action"]);
        var resource = statement["Resource"]!.ToJsonString();
        Assert.Contains("cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}", resource);
        Assert.EndsWith($"/{key}\"]]}}", resource);
        Assert.DoesNotContain("*", resource);
    }

    [Fact]
    public void InstanceRole_PutMetricData_OnlyToTheSafeCapacityNamespace()
    {
        var statement = Statement("SafeCapacityHeartbeat");

        Assert.Equal("cloudwatch:PutMetricData", (string?)statement["Action"]);
        Assert.Equal(SafeCapacityMetrics.Namespace, (string?)statement["Condition"]!["StringEquals"]!["cloudwatch:namespace"]);
        Assert.NotEqual(RemediatorMetrics.DefaultNamespace, SafeCapacityMetrics.Namespace);
    }

    [Fact]
    public void Alarm_NoSafeInstance_InServiceInstancesWithoutHeartbeatBreachOnMissingData()
    {
        var alarm = SynthesizedApp.Single(app.CapacityJson, "AWS::CloudWatch::Alarm");
        var group = SynthesizedApp.Resources(app.CapacityJson, "AWS::AutoScaling::AutoScalingGroup").Single().Id;

        Assert.Equal("EcsDnsSafeCapacity-NoSafeInstance", (string?)alarm["AlarmName"]);
        Assert.Equal("breaching", (string?)alarm["TreatMissingData"]);
        Assert.Equal("GreaterThanOrEqualToThreshold", (string?)alarm["ComparisonOperator"]);
        Assert.Equal(1, (int)alarm["Threshold"]!);
        Assert.Equal(3, (int)alarm["EvaluationPeriods"]!);
        Assert.Equal(3, (int)alarm["DatapointsToAlarm"]!);
        var metrics = alarm["Metrics"]!.AsArray().Select(m => m!.AsObject()).ToDictionary(m => (string)m["Id"]!);
        Assert.Equal(SafeCapacityAlarm.Expression, (string?)metrics.Values.Single(m => m["Expression"] is not null)["Expression"]);
        Assert.Equal(
            $$"""{"Metric":{"Dimensions":[{"Name":"CapacityProvider","Value":"dns-safe-capacity"},{"Name":"ClusterName","Value":"ecs-dns-remediation"}],"MetricName":"SafeInstances","Namespace":"{{SafeCapacityMetrics.Namespace}}"},"Period":300,"Stat":"Maximum"}""",
            metrics["safe"]["MetricStat"]!.ToJsonString());
        Assert.Equal(
            $$$"""{"Metric":{"Dimensions":[{"Name":"AutoScalingGroupName","Value":{"Ref":"{{{group}}}"}}],"MetricName":"GroupInServiceInstances","Namespace":"AWS/AutoScaling"},"Period":300,"Stat":"Maximum"}""",
            metrics["inService"]["MetricStat"]!.ToJsonString());
        Assert.Equal("""[{"Granularity":"1Minute","Metrics":["GroupInServiceInstances"]}]""",
            SynthesizedApp.Single(app.CapacityJson, "AWS::AutoScaling::AutoScalingGroup")["MetricsCollection"]!.ToJsonString());
    }

    [Fact]
    public void Outputs_NoSafeInstanceAlarmArn_IsTheArnOfTheAlarmByItsFixedName()
    {
        var output = app.CapacityJson["Outputs"]!["NoSafeInstanceAlarmArn"]!;
        var alarmName = (string)SynthesizedApp.Single(app.CapacityJson, "AWS::CloudWatch::Alarm")["AlarmName"]!;

        Assert.Equal(
            $$"""{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":cloudwatch:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":alarm:{{alarmName}}"]]}""",
            output["Value"]!.ToJsonString());
    }

    [Fact]
    public void BootScript_Constants_MatchTheStackAndThePlacementConstraint()
    {
        var script = app.HostScript(SafeCapacity.BootScriptFileName);

        Assert.Contains($"readonly SELF_PATH=\"{SafeCapacity.BootScriptPath}\"", script);
        Assert.Contains($"readonly METRIC_NAMESPACE=\"{SafeCapacityMetrics.Namespace}\"", script);
        Assert.Contains($"readonly METRIC_NAME=\"{SafeCapacityMetrics.SafeInstances}\"", script);
        Assert.Contains($"readonly SAFE_LINE='{SafeCapacity.AttributeLine}'", script);
        var attribute = Assert.Single(JsonNode.Parse(SafeCapacity.AttributeLine["ECS_INSTANCE_ATTRIBUTES=".Length..])!.AsObject());
        Assert.Equal(SafeCapacityAttribute.PlacementExpression, $"attribute:{attribute.Key} == {(string?)attribute.Value}");
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

[Collection(nameof(ExistingClusterApp))]
public class ExistingClusterTests(ExistingClusterApp app)
{
    /// <summary>The associations, by the cluster each sets.</summary>
    Dictionary<string, JsonObject> Associations() =>
        SynthesizedApp.Resources(app.CapacityJson, "AWS::ECS::ClusterCapacityProviderAssociations")
            .ToDictionary(a => (string)a.Properties["Cluster"]!, a => a.Properties);

    /// <summary>The name of the capacity provider a template value refers to ({"Ref": logical id}).</summary>
    string ProviderName(JsonNode reference) =>
        (string)app.CapacityJson["Resources"]![(string)reference["Ref"]!]!["Properties"]!["Name"]!;

    [Fact]
    public void Association_EachExistingCluster_KeepsItsOwnProvidersAndDefaultStrategy()
    {
        var associations = Associations();

        Assert.Equal(["batch", "prod"], associations.Keys.Order());
        var prod = associations["prod"]["CapacityProviders"]!.AsArray();
        Assert.Equal(["\"prod-ondemand\"", "\"prod-spot\""], prod.Take(2).Select(p => p!.ToJsonString()));
        Assert.Equal(3, prod.Count);
        Assert.Equal("""[{"Base":1,"CapacityProvider":"prod-ondemand","Weight":1},{"Base":0,"CapacityProvider":"prod-spot","Weight":3}]""",
            associations["prod"]["DefaultCapacityProviderStrategy"]!.ToJsonString());
        var batch = associations["batch"]["CapacityProviders"]!.AsArray();
        Assert.Equal("\"batch-spot\"", batch[0]!.ToJsonString());
        Assert.Equal(2, batch.Count);
        Assert.Equal("[]", associations["batch"]["DefaultCapacityProviderStrategy"]!.ToJsonString());
    }

    /// <summary>An Auto Scaling group capacity provider joins one cluster and its name is unique in the account and Region.</summary>
    [Fact]
    public void Providers_SeveralClusters_EachItsOwnGroupAndAUniqueName()
    {
        var associations = Associations();
        var safe = associations.ToDictionary(a => a.Key, a => ProviderName(a.Value["CapacityProviders"]!.AsArray().Last()!));

        Assert.Equal(2, safe.Values.Distinct().Count());
        Assert.Equal(2, SynthesizedApp.Resources(app.CapacityJson, "AWS::ECS::CapacityProvider").Count());
        var groups = SynthesizedApp.Resources(app.CapacityJson, "AWS::AutoScaling::AutoScalingGroup").ToList();
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.Equal("""["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]""", g.Properties["VPCZoneIdentifier"]!.ToJsonString()));
    }

    /// <summary>The function reschedules a task onto the provider associated with the task's own cluster, and only there.</summary>
    [Fact]
    public void Function_SeveralClusters_ReschedulesOntoTheProviderAssociatedWithTheTasksCluster()
    {
        var variables = SynthesizedApp.Single(app.RemediationJson, "AWS::Lambda::Function")["Environment"]!["Variables"]!.AsObject();
        var settings = RemediatorSettings.From(key => variables[key] is { } value ? Deployed(value) : null);

        foreach (var (cluster, association) in Associations())
        {
            var arn = $"arn:aws:ecs:{Region}:{Account}:cluster/{cluster}";
            Assert.True(settings.IsSafeCapacityCluster(arn), arn);
            Assert.Equal(ProviderName(association["CapacityProviders"]!.AsArray().Last()!), settings.SafeCapacityProviderFor(arn));
        }
        Assert.Equal(2, settings.SafeCapacityClusters!.Count);
    }

    const string Region = "eu-west-1";
    const string Account = "111122223333";

    /// <summary>A template value as CloudFormation resolves it in <see cref="Account"/> and <see cref="Region"/>.</summary>
    static string Deployed(JsonNode value) => value switch
    {
        JsonValue v => (string)v!,
        JsonObject o when o["Ref"] is { } r => (string)r! switch
        {
            "AWS::Partition" => "aws",
            "AWS::Region" => Region,
            "AWS::AccountId" => Account,
            var other => throw new InvalidOperationException($"no deployed value for Ref {other}"),
        },
        JsonObject o when o["Fn::Join"] is JsonArray join =>
            string.Join((string)join[0]!, join[1]!.AsArray().Select(part => Deployed(part!))),
        _ => throw new InvalidOperationException($"no deployed value for {value.ToJsonString()}"),
    };

    [Fact]
    public void Association_ExistingCluster_IsRetainedWhenTheStackIsDeleted()
    {
        var associations = SynthesizedApp.Resources(app.CapacityJson, "AWS::ECS::ClusterCapacityProviderAssociations").Select(a => a.Id).ToList();

        Assert.Equal(2, associations.Count);
        Assert.All(associations, id => Assert.Equal("Retain", (string?)app.CapacityJson["Resources"]![id]!["DeletionPolicy"]));
    }

    [Fact]
    public void Stack_ExistingVpcAndCluster_CreatesNeitherAndJoinsEachCluster()
    {
        app.Capacity.ResourceCountIs("AWS::ECS::Cluster", 0);
        app.Capacity.ResourceCountIs("AWS::EC2::VPC", 0);
        app.Capacity.ResourceCountIs("AWS::EC2::NatGateway", 0);
        var userData = SynthesizedApp.Resources(app.CapacityJson, "AWS::EC2::LaunchTemplate")
            .Select(t => t.Properties["LaunchTemplateData"]!["UserData"]!.ToJsonString())
            .ToList();

        Assert.Equal(2, userData.Count);
        Assert.Single(userData, u => u.Contains("ECS_CLUSTER=prod\\n", StringComparison.Ordinal));
        Assert.Single(userData, u => u.Contains("ECS_CLUSTER=batch\\n", StringComparison.Ordinal));
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
