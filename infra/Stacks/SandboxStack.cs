using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using BlockDevice = Amazon.CDK.AWS.EC2.BlockDevice;
using BlockDeviceVolume = Amazon.CDK.AWS.EC2.BlockDeviceVolume;
using EbsDeviceOptions = Amazon.CDK.AWS.EC2.EbsDeviceOptions;
using EbsDeviceVolumeType = Amazon.CDK.AWS.EC2.EbsDeviceVolumeType;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.EFS;
using FileSystem = Amazon.CDK.AWS.EFS.FileSystem;
using Amazon.CDK.AWS.Logs;
using Constructs;
using Infra.Constructs;

namespace Infra.Stacks;

/// <summary>
/// Off by default (remediation:sandbox=true): the seed's failing setup in a sandbox account, so a user can watch
/// the failure and the remediation. A container instance whose resolv.conf lists only dnsmasq on 127.0.0.1, an
/// EFS file system, and a service of awsvpc tasks that mount it. Deliberately outside the placement aspect.
/// </summary>
public sealed class SandboxStack : Stack
{
    public const string ClusterName = "ecs-dns-sandbox";
    public const string CapacityProviderName = "dns-sandbox-dnsmasq";

    /// <summary>On the sandbox instance: the AMI's own resolv.conf (content and symlink target) as found at boot.</summary>
    public const string StateDirectory = "/var/lib/ecs-dns-sandbox";

    /// <summary>On the sandbox instance: restores the failing setup (dnsmasq on 127.0.0.1 the only nameserver).</summary>
    public const string BreakScript = "/usr/local/sbin/ecs-dns-sandbox-break";

    public SandboxStack(Construct scope, string id, SandboxStackProps props) : base(scope, id, props.StackProps)
    {
        var vpc = new Vpc(this, "Vpc", new VpcProps
        {
            MaxAzs = 2,
            NatGateways = 1,
            SubnetConfiguration =
            [
                new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = 24 },
                new SubnetConfiguration { Name = "private", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = 24 },
            ],
        });
        vpc.AddFlowLog("FlowLog");

        var cluster = new Cluster(this, "Cluster", new ClusterProps { ClusterName = ClusterName, Vpc = vpc, ContainerInsights = true });

        var userData = UserData.ForLinux();
        userData.AddCommands(
            "set -o errexit -o nounset -o pipefail",
            $"echo 'ECS_CLUSTER={ClusterName}' >> /etc/ecs/ecs.config",
            "echo 'ECS_AWSVPC_BLOCK_IMDS=true' >> /etc/ecs/ecs.config",
            "dnf install -y dnsmasq",
            "cat > /etc/dnsmasq.d/ecs-dns-sandbox.conf <<'CONF_END'",
            "listen-address=127.0.0.1",
            "bind-interfaces",
            "no-resolv",
            "server=" + VpcResolver.Default,
            "cache-size=1000",
            "CONF_END",
            "systemctl enable --now dnsmasq",
            // The AMI's own resolv.conf, kept for the self-check (what the safe capacity relies on).
            $"mkdir -p {StateDirectory}",
            $"readlink /etc/resolv.conf > {StateDirectory}/resolv.conf.link || true",
            $"cp --dereference /etc/resolv.conf {StateDirectory}/resolv.conf.original",
            // The seed's setup: the local resolver is the only nameserver (a static file, no resolver manager).
            // A script, so that the self-check can break the host again after the Remediator fixed it.
            $"cat > {BreakScript} <<'BREAK_END'",
            "#!/usr/bin/env bash",
            "# Sandbox only: makes dnsmasq on 127.0.0.1 the only nameserver, as in the seed's failing setup.",
            "set -o errexit -o nounset -o pipefail",
            $"search=\"$(awk '$1 == \"search\"' {StateDirectory}/resolv.conf.original || true)\"",
            "tmp=\"$(mktemp /etc/resolv.conf.XXXXXX)\"",
            "printf '%s\\nnameserver 127.0.0.1\\n' \"${search}\" > \"${tmp}\"",
            "chmod 644 \"${tmp}\"",
            "mv -f \"${tmp}\" /etc/resolv.conf",
            "BREAK_END",
            $"chmod 755 {BreakScript}",
            BreakScript);

        var role = ContainerInstanceRole.Create(this, "InstanceRole", ClusterName, "Sandbox container instances with dnsmasq in front");
        var instances = new SecurityGroup(this, "InstanceSecurityGroup", new SecurityGroupProps { Vpc = vpc, Description = "Sandbox container instances: no inbound rules", AllowAllOutbound = true });
        var group = new AutoScalingGroup(this, "Group", new AutoScalingGroupProps
        {
            Vpc = vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            MinCapacity = 1,
            MaxCapacity = 1,
            LaunchTemplate = new LaunchTemplate(this, "LaunchTemplate", new LaunchTemplateProps
            {
                MachineImage = EcsOptimizedImage.AmazonLinux2023(AmiHardwareType.ARM),
                InstanceType = new Amazon.CDK.AWS.EC2.InstanceType("t4g.small"),
                Role = role,
                SecurityGroup = instances,
                UserData = userData,
                RequireImdsv2 = true,
                BlockDevices =
                [
                    new BlockDevice
                    {
                        DeviceName = "/dev/xvda",
                        Volume = BlockDeviceVolume.Ebs(30, new EbsDeviceOptions { Encrypted = true, VolumeType = EbsDeviceVolumeType.GP3 }),
                    },
                ],
            }),
        });
        Amazon.CDK.Tags.Of(group).Add(InstanceTags.Cluster, ClusterName, new TagProps { ApplyToLaunchedInstances = true });

        var provider = new AsgCapacityProvider(this, "Provider", new AsgCapacityProviderProps
        {
            AutoScalingGroup = group,
            CapacityProviderName = CapacityProviderName,
            EnableManagedScaling = true,
            EnableManagedTerminationProtection = false,
        });
        var association = new CfnClusterCapacityProviderAssociations(this, "Association", new CfnClusterCapacityProviderAssociationsProps
        {
            Cluster = ClusterName,
            CapacityProviders = [provider.CapacityProviderName],
            DefaultCapacityProviderStrategy = Array.Empty<object>(),
        });
        association.Node.AddDependency(cluster);

        var tasks = new SecurityGroup(this, "TaskSecurityGroup", new SecurityGroupProps { Vpc = vpc, Description = "Sandbox awsvpc tasks: no inbound rules", AllowAllOutbound = true });
        var fileSystem = new FileSystem(this, "FileSystem", new FileSystemProps
        {
            Vpc = vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            Encrypted = true,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        fileSystem.Connections.AllowDefaultPortFrom(tasks, "NFS from the sandbox tasks");

        var logs = new LogGroup(this, "Logs", new LogGroupProps { Retention = RetentionDays.ONE_WEEK, RemovalPolicy = RemovalPolicy.DESTROY });
        // TLS: efs-utils 2.x mounts through efs-proxy (the default form of the failure).
        var taskDefinition = EfsTaskDefinition("TaskDefinition", fileSystem, "ENABLED", logs);
        // No TLS: with efs-utils' legacy stunnel mode switched on the host, mount.nfs4 itself resolves the
        // file system's name (the pre-2.0 form). The self-check switches the mode; the service never uses this one.
        var legacyTaskDefinition = EfsTaskDefinition("LegacyTaskDefinition", fileSystem, "DISABLED", logs);

        // L1, as in the example workload: the L2 service wants capacity added through the cluster construct.
        var service = new CfnService(this, "Service", new CfnServiceProps
        {
            Cluster = cluster.ClusterName,
            TaskDefinition = taskDefinition.TaskDefinitionArn,
            // 0: CloudFormation would wait hours for a service whose tasks fail; the README starts it by hand.
            DesiredCount = 0,
            CapacityProviderStrategy = new object[] { new CfnService.CapacityProviderStrategyItemProperty { CapacityProvider = CapacityProviderName, Weight = 1 } },
            NetworkConfiguration = new CfnService.NetworkConfigurationProperty
            {
                AwsvpcConfiguration = new CfnService.AwsVpcConfigurationProperty
                {
                    Subnets = vpc.PrivateSubnets.Select(s => s.SubnetId).ToArray(),
                    SecurityGroups = [tasks.SecurityGroupId],
                    AssignPublicIp = "DISABLED",
                },
            },
        });
        service.Node.AddDependency(association);

        _ = new CfnOutput(this, "ClusterOutput", new CfnOutputProps { Key = "SandboxCluster", Value = ClusterName });
        _ = new CfnOutput(this, "ServiceOutput", new CfnOutputProps { Key = "SandboxService", Value = service.AttrName });
        _ = new CfnOutput(this, "FileSystemOutput", new CfnOutputProps { Key = "SandboxFileSystemId", Value = fileSystem.FileSystemId });
        _ = new CfnOutput(this, "TaskDefinitionOutput", new CfnOutputProps { Key = "SandboxTaskDefinition", Value = taskDefinition.TaskDefinitionArn });
        _ = new CfnOutput(this, "LegacyTaskDefinitionOutput", new CfnOutputProps { Key = "SandboxLegacyTaskDefinition", Value = legacyTaskDefinition.TaskDefinitionArn });
        _ = new CfnOutput(this, "SubnetsOutput", new CfnOutputProps { Key = "SandboxSubnets", Value = Fn.Join(",", vpc.PrivateSubnets.Select(s => s.SubnetId).ToArray()) });
        _ = new CfnOutput(this, "TaskSecurityGroupOutput", new CfnOutputProps { Key = "SandboxTaskSecurityGroup", Value = tasks.SecurityGroupId });
    }

    /// <summary>An awsvpc task that mounts the sandbox file system at /data, with or without TLS.</summary>
    Ec2TaskDefinition EfsTaskDefinition(string id, FileSystem fileSystem, string transitEncryption, LogGroup logs)
    {
        var definition = new Ec2TaskDefinition(this, id, new Ec2TaskDefinitionProps
        {
            NetworkMode = NetworkMode.AWS_VPC,
            Volumes =
            [
                new Amazon.CDK.AWS.ECS.Volume
                {
                    Name = "data",
                    EfsVolumeConfiguration = new EfsVolumeConfiguration { FileSystemId = fileSystem.FileSystemId, TransitEncryption = transitEncryption },
                },
            ],
        });
        definition.AddContainer("app", new ContainerDefinitionOptions
        {
            Image = ContainerImage.FromRegistry("public.ecr.aws/docker/library/busybox:1.36"),
            MemoryLimitMiB = 128,
            Command = ["sh", "-c", "date >> /data/started && sleep 3600"],
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { StreamPrefix = "sandbox", LogGroup = logs }),
        }).AddMountPoints(new MountPoint { SourceVolume = "data", ContainerPath = "/data", ReadOnly = false });
        return definition;
    }
}
