using System.IO.Compression;
using System.Text;
using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using BlockDevice = Amazon.CDK.AWS.EC2.BlockDevice;
using BlockDeviceVolume = Amazon.CDK.AWS.EC2.BlockDeviceVolume;
using EbsDeviceOptions = Amazon.CDK.AWS.EC2.EbsDeviceOptions;
using EbsDeviceVolumeType = Amazon.CDK.AWS.EC2.EbsDeviceVolumeType;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.IAM;
using Constructs;
using Infra.Documents;
using InstanceType = Amazon.CDK.AWS.EC2.InstanceType;

namespace Infra.Constructs;

/// <summary>
/// The safe capacity: container instances without a local resolver, marked with the attribute
/// dns.local-resolver=none, behind an ASG capacity provider associated with the cluster next to the
/// providers it already has.
/// </summary>
public sealed class SafeCapacity : Construct
{
    /// <summary>The attribute value set when the boot check finds resolv.conf healthy.</summary>
    public const string AttributeLine = "ECS_INSTANCE_ATTRIBUTES={\"dns.local-resolver\":\"none\"}";

    /// <summary>EC2 rejects user data above 16 KB.</summary>
    public const int MaxUserDataBytes = 16384;

    public const string ScriptPath = "/usr/local/sbin/ecs-dns-resolv-fix.sh";

    public AutoScalingGroup AutoScalingGroup { get; }

    public AsgCapacityProvider CapacityProvider { get; }

    public CfnClusterCapacityProviderAssociations Association { get; }

    public SecurityGroup SecurityGroup { get; }

    public SafeCapacity(Construct scope, string id, SafeCapacityProps props) : base(scope, id)
    {
        var instanceType = new InstanceType(props.InstanceType);
        var hardware = instanceType.Architecture == InstanceArchitecture.ARM_64 ? AmiHardwareType.ARM : AmiHardwareType.STANDARD;

        var role = ContainerInstanceRole.Create(this, "InstanceRole", props.ClusterName, "Safe capacity container instances: ECS agent and SSM agent");

        SecurityGroup = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = props.Vpc,
            Description = "Safe capacity container instances: no inbound rules; outbound to ECS, SSM, ECR and EFS",
            AllowAllOutbound = true,
        });

        var userData = UserData.ForLinux();
        userData.AddCommands(UserDataLines(props).ToArray());
        var rendered = userData.Render();
        if (Encoding.UTF8.GetByteCount(rendered) > MaxUserDataBytes)
            throw new HostScriptException($"safe capacity user data is {Encoding.UTF8.GetByteCount(rendered)} bytes; EC2 accepts at most {MaxUserDataBytes} (hostscripts/{props.ResolvFix.FileName} grew too large to embed)");

        var launchTemplate = new LaunchTemplate(this, "LaunchTemplate", new LaunchTemplateProps
        {
            MachineImage = EcsOptimizedImage.AmazonLinux2023(hardware),
            InstanceType = instanceType,
            Role = role,
            SecurityGroup = SecurityGroup,
            UserData = userData,
            RequireImdsv2 = true,
            BlockDevices =
            [
                new BlockDevice
                {
                    DeviceName = "/dev/xvda",
                    Volume = BlockDeviceVolume.Ebs(30, new EbsDeviceOptions { Encrypted = true, VolumeType = EbsDeviceVolumeType.GP3, DeleteOnTermination = true }),
                },
            ],
        });

        AutoScalingGroup = new AutoScalingGroup(this, "Group", new AutoScalingGroupProps
        {
            Vpc = props.Vpc,
            VpcSubnets = props.Subnets,
            LaunchTemplate = launchTemplate,
            MinCapacity = props.MinSize,
            MaxCapacity = props.MaxSize,
        });
        Tags.Of(AutoScalingGroup).Add(InstanceTags.Cluster, props.ClusterName, new TagProps { ApplyToLaunchedInstances = true });

        CapacityProvider = new AsgCapacityProvider(this, "Provider", new AsgCapacityProviderProps
        {
            AutoScalingGroup = AutoScalingGroup,
            CapacityProviderName = props.CapacityProviderName,
            EnableManagedScaling = true,
            // ECS keeps instances that run tasks from being scaled in (needs new-instance scale-in protection, set by the provider).
            EnableManagedTerminationProtection = true,
            TargetCapacityPercent = 100,
        });

        // The association resource sets the cluster's whole provider list: name the existing ones or they are dropped.
        Association = new CfnClusterCapacityProviderAssociations(this, "Association", new CfnClusterCapacityProviderAssociationsProps
        {
            Cluster = props.ClusterName,
            CapacityProviders = props.ExistingCapacityProviders.Append(CapacityProvider.CapacityProviderName).ToArray(),
            DefaultCapacityProviderStrategy = props.ExistingDefaultStrategy
                .Select(s => (object)new CfnClusterCapacityProviderAssociations.CapacityProviderStrategyProperty
                {
                    CapacityProvider = s.CapacityProvider,
                    Weight = s.Weight,
                    Base = s.Base,
                })
                .ToArray(),
        });
        if (props.RetainAssociation)
            Association.ApplyRemovalPolicy(RemovalPolicy.RETAIN);
    }

    static IEnumerable<string> UserDataLines(SafeCapacityProps props)
    {
        yield return "set -o nounset -o pipefail";
        yield return "cat >> /etc/ecs/ecs.config <<'ECS_CONFIG_END'";
        yield return $"ECS_CLUSTER={props.ClusterName}";
        yield return "ECS_AWSVPC_BLOCK_IMDS=true";
        yield return "ECS_ENABLE_TASK_IAM_ROLE=true";
        yield return "ECS_CONFIG_END";
        // Embedded compressed: the script alone is larger than EC2's 16 KB user data limit.
        yield return $"base64 -d <<'SCRIPT_END' | gunzip > {ScriptPath}";
        foreach (var line in Chunk(Convert.ToBase64String(Gzip(props.ResolvFix.Content)), 76))
            yield return line;
        yield return "SCRIPT_END";
        yield return $"chmod 0755 {ScriptPath}";
        // The attribute promises "no local resolver": give it only when the check says so.
        yield return $"if {ScriptPath} check --resolver {props.VpcResolver} --json > /var/log/ecs-dns-boot-check.json 2>&1; then";
        yield return $"  echo '{AttributeLine}' >> /etc/ecs/ecs.config";
        yield return "else";
        yield return "  rc=$?";
        yield return "  echo 'ECS_INSTANCE_ATTRIBUTES={\"dns.local-resolver\":\"at-risk\"}' >> /etc/ecs/ecs.config";
        yield return "  msg=\"ecs-dns-remediation: BOOT CHECK FAILED (resolv-fix.sh check exit ${rc}): resolv.conf lists no non-loopback resolver among its first three; this instance is marked dns.local-resolver=at-risk and gets no awsvpc+EFS tasks. See /var/log/ecs-dns-boot-check.json\"";
        yield return "  logger -p user.crit \"${msg}\"";
        yield return "  echo \"${msg}\" > /dev/console";
        yield return "fi";
    }

    static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    static IEnumerable<string> Chunk(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size)
            yield return text.Substring(i, Math.Min(size, text.Length - i));
    }
}
