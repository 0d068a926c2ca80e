using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Constructs;
using Infra.Configuration;
using Infra.Constructs;

namespace Infra.Stacks;

/// <summary>
/// Prevention: the safe capacity in the configured (or created) VPC and cluster, the placement aspect, and,
/// on a created cluster, an example awsvpc + EFS workload that the aspect sends to the safe capacity.
/// </summary>
public sealed class CapacityStack : Stack
{
    public SafeCapacity SafeCapacity { get; }

    /// <summary>Subnets for rescheduled tasks (the safe capacity's subnets).</summary>
    public IReadOnlyList<string> TaskSubnetIds { get; }

    public IReadOnlyList<string> TaskSecurityGroupIds { get; }

    public ExampleWorkload? Example { get; }

    public CapacityStack(Construct scope, string id, CapacityStackProps props) : base(scope, id, props.StackProps)
    {
        var config = props.Config;
        IVpc vpc;
        SubnetSelection subnets;
        if (config.CreatesVpc)
        {
            var created = new Vpc(this, "Vpc", new VpcProps
            {
                MaxAzs = 2,
                NatGateways = 1,
                SubnetConfiguration =
                [
                    new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = 24 },
                    new SubnetConfiguration { Name = "private", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = 22 },
                ],
            });
            created.AddFlowLog("FlowLog");
            vpc = created;
            subnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS };
            TaskSubnetIds = created.PrivateSubnets.Select(s => s.SubnetId).ToArray();
        }
        else
        {
            // Given explicitly: no lookup, so synth needs no account.
            vpc = Vpc.FromVpcAttributes(this, "Vpc", new VpcAttributes
            {
                VpcId = config.VpcId,
                AvailabilityZones = config.SubnetIds.Select((_, i) => $"subnet-{i}-az").ToArray(),
                PrivateSubnetIds = config.SubnetIds.ToArray(),
            });
            subnets = new SubnetSelection { Subnets = config.SubnetIds.Select((s, i) => Subnet.FromSubnetId(this, $"Subnet{i}", s)).ToArray() };
            TaskSubnetIds = config.SubnetIds;
        }

        Cluster? cluster = null;
        if (config.CreatesCluster)
        {
            cluster = new Cluster(this, "Cluster", new ClusterProps
            {
                ClusterName = config.EffectiveClusterName,
                Vpc = vpc,
                ContainerInsights = true,
            });
        }

        SafeCapacity = new SafeCapacity(this, "SafeCapacity", new SafeCapacityProps
        {
            Vpc = vpc,
            Subnets = subnets,
            ClusterName = config.EffectiveClusterName,
            CapacityProviderName = config.SafeCapacityProviderName,
            InstanceType = config.SafeCapacityInstanceType,
            MinSize = config.SafeCapacityMinSize,
            MaxSize = config.SafeCapacityMaxSize,
            ExistingCapacityProviders = config.ExistingCapacityProviders,
            ExistingDefaultStrategy = config.ExistingDefaultStrategy,
            RetainAssociation = !config.CreatesCluster,
            RepositoryRoot = props.RepositoryRoot,
            VpcResolver = config.VpcResolver,
        });
        if (cluster is not null)
            SafeCapacity.Association.Node.AddDependency(cluster);

        if (config.TaskSecurityGroupIds.Count > 0)
        {
            TaskSecurityGroupIds = config.TaskSecurityGroupIds;
        }
        else
        {
            var taskGroup = new SecurityGroup(this, "TaskSecurityGroup", new SecurityGroupProps
            {
                Vpc = vpc,
                Description = "Rescheduled and example awsvpc tasks: no inbound rules",
                AllowAllOutbound = true,
            });
            TaskSecurityGroupIds = [taskGroup.SecurityGroupId];

            if (cluster is not null)
            {
                Example = new ExampleWorkload(this, "Example", new ExampleWorkloadProps
                {
                    Vpc = vpc,
                    Cluster = cluster,
                    TaskSecurityGroup = taskGroup,
                    DesiredCount = 0,
                });
                // The service's capacity provider strategy needs the provider associated first.
                Example.Service.Node.AddDependency(SafeCapacity.Association);
            }
        }

        // The remediation topic lives in the stack that depends on this one: no reference back without a cycle.
        // The ARN is built from the alarm's fixed name rather than read with Fn::GetAtt: the same value, and a
        // template that tools without a model of AWS::CloudWatch::Alarm (moto's CloudFormation) can still create.
        _ = new CfnOutput(this, "NoSafeInstanceAlarmOutput", new CfnOutputProps
        {
            Key = "NoSafeInstanceAlarmArn",
            Value = FormatArn(new ArnComponents
            {
                Service = "cloudwatch",
                Resource = "alarm",
                ResourceName = SafeCapacity.NoSafeInstanceAlarmName(this),
                ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
            }),
            Description = "Alarm: the safe capacity has in-service instances but none marked safe. EcsDnsRemediation's rule reports its ALARM state to the notification topic.",
        });

        Aspects.Of(this).Add(new DnsSafePlacement(config.SafeCapacityProviderName));
    }
}
