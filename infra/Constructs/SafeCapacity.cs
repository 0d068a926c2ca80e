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
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using Infra.Documents;
using InstanceType = Amazon.CDK.AWS.EC2.InstanceType;

namespace Infra.Constructs;

/// <summary>
/// The safe capacity: container instances without a local resolver, marked with the attribute
/// dns.local-resolver=none, behind an ASG capacity provider associated with the cluster next to the
/// providers it already has. At first boot, before the ECS agent starts, hostscripts/safe-capacity-boot.sh
/// (in the user data) fetches hostscripts/resolv-fix.sh (an S3 asset, SHA-256 checked), fixes, checks and
/// only then marks the instance; its heartbeat feeds <see cref="SafeCapacityAlarm"/>.
/// </summary>
public sealed class SafeCapacity : Construct
{
    /// <summary>The attribute line the boot script writes when the check after the fix passes.</summary>
    public const string AttributeLine = "ECS_INSTANCE_ATTRIBUTES={\"" + SafeCapacityAttribute.Name + "\":\"" + SafeCapacityAttribute.Safe + "\"}";

    /// <summary>
    /// What this construct allows its user data (tokens resolved): half of EC2's 16 KB limit, so the boot script
    /// can grow and users can add their own lines. resolv-fix.sh does not count: it comes from S3.
    /// </summary>
    public const int UserDataBudgetBytes = 8192;

    public const string BootScriptFileName = "safe-capacity-boot.sh";

    public const string ResolvFixFileName = "resolv-fix.sh";

    /// <summary>Where the user data writes the boot script; the units it installs call it there.</summary>
    public const string BootScriptPath = "/usr/local/sbin/ecs-dns-safe-capacity-boot.sh";

    public AutoScalingGroup AutoScalingGroup { get; }

    public AsgCapacityProvider CapacityProvider { get; }

    public CfnClusterCapacityProviderAssociations Association { get; }

    public SecurityGroup SecurityGroup { get; }

    /// <summary>hostscripts/resolv-fix.sh as the instances download it: joined with its library, one self-contained file.</summary>
    public Asset ResolvFixAsset { get; }

    /// <summary>Lowercase hex SHA-256 of <see cref="ResolvFixAsset"/>'s file, baked into the user data and checked at boot.</summary>
    public string ResolvFixSha256 { get; }

    public SafeCapacityAlarm NoSafeInstanceAlarm { get; }

    public SafeCapacity(Construct scope, string id, SafeCapacityProps props) : base(scope, id)
    {
        var instanceType = new InstanceType(props.InstanceType);
        var hardware = instanceType.Architecture == InstanceArchitecture.ARM_64 ? AmiHardwareType.ARM : AmiHardwareType.STANDARD;
        var stack = Stack.Of(this);

        var resolvFix = new ResolvFixScript(this, "ResolvFixScript", HostScript.Load(props.RepositoryRoot, ResolvFixFileName));
        ResolvFixAsset = resolvFix.Asset;
        ResolvFixSha256 = resolvFix.Sha256;
        var bootScript = HostScript.Load(props.RepositoryRoot, BootScriptFileName);

        var role = ContainerInstanceRole.Create(this, "InstanceRole", props.ClusterName, "Safe capacity container instances: ECS agent and SSM agent");
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadResolvFixScript",
            Actions = ["s3:GetObject"],
            Resources = [ResolvFixAsset.Bucket.ArnForObjects(ResolvFixAsset.S3ObjectKey)],
        }));
        // PutMetricData takes no resource; the namespace condition keeps the instances out of the Remediator's metrics.
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SafeCapacityHeartbeat",
            Actions = ["cloudwatch:PutMetricData"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["cloudwatch:namespace"] = SafeCapacityMetrics.Namespace },
            },
        }));

        SecurityGroup = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = props.Vpc,
            Description = "Safe capacity container instances: no inbound rules; outbound to ECS, SSM, ECR, S3, CloudWatch and EFS",
            AllowAllOutbound = true,
        });

        var userData = UserData.ForLinux();
        userData.AddCommands(UserDataLines(props, bootScript, ResolvFixAsset.S3ObjectUrl, ResolvFixSha256, stack.Region).ToArray());

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
            // The alarm compares in-service instances with those reporting themselves safe.
            GroupMetrics = [new GroupMetrics(GroupMetric.IN_SERVICE_INSTANCES)],
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

        NoSafeInstanceAlarm = new SafeCapacityAlarm(this, "NoSafeInstance", new SafeCapacityAlarmProps
        {
            AutoScalingGroup = AutoScalingGroup,
            ClusterName = props.ClusterName,
            CapacityProviderName = props.CapacityProviderName,
            AlarmName = props.AlarmName,
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

    /// <summary>
    /// The user data: join the cluster, write the boot script (compressed; the file is larger than it needs to
    /// be in user data) and run its install action, which fetches resolv-fix.sh, fixes, checks and marks.
    /// cloud-init runs this in cloud-final.service, and the AMI's ecs.service is ordered after it.
    /// </summary>
    static IEnumerable<string> UserDataLines(SafeCapacityProps props, HostScript bootScript, string resolvFixUrl, string resolvFixSha256, string region)
    {
        yield return "set -o nounset -o pipefail";
        yield return "cat >> /etc/ecs/ecs.config <<'ECS_CONFIG_END'";
        yield return $"ECS_CLUSTER={props.ClusterName}";
        yield return "ECS_AWSVPC_BLOCK_IMDS=true";
        yield return "ECS_ENABLE_TASK_IAM_ROLE=true";
        yield return "ECS_CONFIG_END";
        yield return "mkdir -p /usr/local/sbin";
        yield return $"base64 -d <<'SCRIPT_END' | gunzip > {BootScriptPath}";
        foreach (var line in Chunk(Convert.ToBase64String(Gzip(bootScript.Content)), 76))
            yield return line;
        yield return "SCRIPT_END";
        yield return $"chmod 0755 {BootScriptPath}";
        yield return $"{BootScriptPath} install --resolver {props.VpcResolver} --cluster {props.ClusterName} --capacity-provider {props.CapacityProviderName} --region {region} --script-url {resolvFixUrl} --script-sha256 {resolvFixSha256}";
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
