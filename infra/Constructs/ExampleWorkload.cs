using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.EFS;
using FileSystem = Amazon.CDK.AWS.EFS.FileSystem;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace Infra.Constructs;

/// <summary>
/// The shape that fails behind a local resolver: an awsvpc task that mounts EFS, run by a service.
/// The <see cref="DnsSafePlacement"/> aspect adds the placement constraint.
/// </summary>
public sealed class ExampleWorkload : Construct
{
    public Ec2TaskDefinition TaskDefinition { get; }

    public CfnService Service { get; }

    public FileSystem FileSystem { get; }

    public ExampleWorkload(Construct scope, string id, ExampleWorkloadProps props) : base(scope, id)
    {
        FileSystem = new FileSystem(this, "FileSystem", new FileSystemProps
        {
            Vpc = props.Vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            Encrypted = true,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        FileSystem.Connections.AllowDefaultPortFrom(props.TaskSecurityGroup, "NFS from the example tasks");

        TaskDefinition = new Ec2TaskDefinition(this, "TaskDefinition", new Ec2TaskDefinitionProps
        {
            NetworkMode = NetworkMode.AWS_VPC,
            Volumes =
            [
                new Amazon.CDK.AWS.ECS.Volume
                {
                    Name = "data",
                    EfsVolumeConfiguration = new EfsVolumeConfiguration
                    {
                        FileSystemId = FileSystem.FileSystemId,
                        TransitEncryption = "ENABLED",
                    },
                },
            ],
        });
        var container = TaskDefinition.AddContainer("app", new ContainerDefinitionOptions
        {
            Image = ContainerImage.FromRegistry("public.ecr.aws/docker/library/busybox:1.36"),
            MemoryLimitMiB = 128,
            Command = ["sh", "-c", "date >> /data/started && sleep 3600"],
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps
            {
                StreamPrefix = "example",
                LogGroup = new LogGroup(this, "Logs", new LogGroupProps { Retention = RetentionDays.ONE_MONTH, RemovalPolicy = RemovalPolicy.DESTROY }),
            }),
        });
        container.AddMountPoints(new MountPoint { SourceVolume = "data", ContainerPath = "/data", ReadOnly = false });

        // An L1 service: the L2 Ec2Service refuses a cluster without Ec2 capacity added through the cluster
        // construct, and the safe capacity joins through its own association (which keeps existing providers).
        // The aspect replaces the launch type with the safe capacity provider strategy.
        Service = new CfnService(this, "Service", new CfnServiceProps
        {
            Cluster = props.Cluster.ClusterName,
            TaskDefinition = TaskDefinition.TaskDefinitionArn,
            DesiredCount = props.DesiredCount,
            LaunchType = "EC2",
            NetworkConfiguration = new CfnService.NetworkConfigurationProperty
            {
                AwsvpcConfiguration = new CfnService.AwsVpcConfigurationProperty
                {
                    Subnets = props.Vpc.SelectSubnets(new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS }).SubnetIds,
                    SecurityGroups = [props.TaskSecurityGroup.SecurityGroupId],
                    AssignPublicIp = "DISABLED",
                },
            },
        });
    }
}
