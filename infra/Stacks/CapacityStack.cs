using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Constructs;
using Infra.Configuration;
using Infra.Constructs;

namespace Infra.Stacks;

/// <summary>
/// Prevention: a safe capacity for each cluster it serves, in the given VPC (or, for the example environment, a
/// created VPC and cluster with an example awsvpc + EFS workload), and the placement aspect. Built only when some
/// cluster gets safe capacity.
/// </summary>
public sealed class CapacityStack : Stack
{
    /// <summary>One per cluster served, in the configuration's order.</summary>
    public IReadOnlyList<SafeCapacity> SafeCapacities { get; }

    /// <summary>Subnets for rescheduled tasks (the safe capacity's subnets).</summary>
    public IReadOnlyList<string> TaskSubnetIds { get; }

    public IReadOnlyList<string> TaskSecurityGroupIds { get; }

    public ExampleWorkload? Example { get; }

    /// <summary>The fixed names of the no-safe-instance alarms, one per cluster served: the remediation stack's rule matches them by name.</summary>
    public IReadOnlyList<string> NoSafeInstanceAlarmNames { get; }

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
                ClusterName = RemediationConfig.CreatedClusterName,
                Vpc = vpc,
                ContainerInsights = true,
            });
        }

        var served = config.SafeCapacityClusters;
        NoSafeInstanceAlarmNames = served.Select(c => NoSafeInstanceAlarmName(StackName, c.Name, served.Count)).ToArray();
        // One cluster keeps the construct ids (and so the logical ids) that a single-cluster deployment already has.
        SafeCapacities = served.Select((c, i) => new SafeCapacity(this, served.Count == 1 ? "SafeCapacity" : $"SafeCapacity-{c.Name}", new SafeCapacityProps
        {
            Vpc = vpc,
            Subnets = subnets,
            ClusterName = c.Name,
            CapacityProviderName = c.ProviderName,
            InstanceType = config.SafeCapacityInstanceType,
            MinSize = config.SafeCapacityMinSize,
            MaxSize = config.SafeCapacityMaxSize,
            ExistingCapacityProviders = c.ExistingProviders,
            ExistingDefaultStrategy = c.DefaultStrategy,
            RetainAssociation = !config.CreatesCluster,
            RepositoryRoot = props.RepositoryRoot,
            VpcResolver = config.VpcResolver,
            AlarmName = NoSafeInstanceAlarmNames[i],
        })).ToArray();
        if (cluster is not null)
        {
            foreach (var safe in SafeCapacities)
                safe.Association.Node.AddDependency(cluster);
        }

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
                Example.Service.Node.AddDependency(SafeCapacities[0].Association);
            }
        }

        // The remediation topic lives in the stack that depends on this one: no reference back without a cycle.
        // The ARN is built from the alarm's fixed name rather than read with Fn::GetAtt: the same value, and a
        // template that tools without a model of AWS::CloudWatch::Alarm (moto's CloudFormation) can still create.
        _ = new CfnOutput(this, "NoSafeInstanceAlarmOutput", new CfnOutputProps
        {
            Key = "NoSafeInstanceAlarmArn",
            Value = string.Join(",", NoSafeInstanceAlarmNames.Select(name => FormatArn(new ArnComponents
            {
                Service = "cloudwatch",
                Resource = "alarm",
                ResourceName = name,
                ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
            }))),
            Description = "Alarms, one per cluster served (comma-separated): the safe capacity has in-service instances but none marked safe. EcsDnsRemediation's rule reports their ALARM state to the notification topic.",
        });

        // Services here are the example's, on the one cluster the example environment serves.
        Aspects.Of(this).Add(new DnsSafePlacement(served[0].ProviderName));
    }

    /// <summary>
    /// The no-safe-instance alarm's fixed name for <paramref name="cluster"/> when <paramref name="clusterCount"/>
    /// clusters get safe capacity: STACK-NoSafeInstance for one, STACK-NoSafeInstance-CLUSTER for each of several.
    /// </summary>
    public static string NoSafeInstanceAlarmName(string stackName, string cluster, int clusterCount) =>
        clusterCount > 1 ? $"{stackName}-NoSafeInstance-{cluster}" : $"{stackName}-NoSafeInstance";
}
