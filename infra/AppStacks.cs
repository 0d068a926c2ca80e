using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Infra.Configuration;
using Infra.Constructs;
using Infra.Documents;
using Infra.Stacks;

namespace Infra;

/// <summary>The app's stacks, wired from the configuration; Program.cs and the tests build the same app.</summary>
public sealed record AppStacks
{
    public const string CapacityStackName = "EcsDnsSafeCapacity";
    public const string RemediationStackName = RemediationDocuments.DefaultStackName;
    public const string SandboxStackName = "EcsDnsSandbox";

    public required CapacityStack Capacity { get; init; }

    public required RemediationStack Remediation { get; init; }

    public SandboxStack? Sandbox { get; init; }

    /// <summary>The organization hub inside the remediation stack, when the organization keys are set.</summary>
    public OrganizationHub? Hub { get; init; }

    public static AppStacks Build(App app, RemediationConfig config, string repositoryRoot, Code remediatorCode)
    {
        var resolvFix = HostScript.Load(repositoryRoot, "resolv-fix.sh");
        var diagnose = HostScript.Load(repositoryRoot, "diagnose-task-netns.sh");
        var efsEvidence = HostScript.Load(repositoryRoot, "efs-evidence.sh");

        var capacity = new CapacityStack(app, CapacityStackName, new CapacityStackProps
        {
            Config = config,
            RepositoryRoot = repositoryRoot,
            StackProps = new StackProps { Description = "ECS DNS remediation, prevention: safe capacity (container instances without a local resolver) and placement" },
        });

        SandboxStack? sandbox = config.Sandbox
            ? new SandboxStack(app, SandboxStackName, new SandboxStackProps
            {
                StackProps = new StackProps { Description = "ECS DNS remediation sandbox: the failing setup (dnsmasq container instances, EFS, an awsvpc task). Not for production accounts." },
            })
            : null;

        var targets = new[] { config.EffectiveClusterName }
            .Concat(config.AllowedClusters)
            .Concat(sandbox is null ? [] : [SandboxStack.ClusterName])
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        var remediation = new RemediationStack(app, RemediationStackName, new RemediationStackProps
        {
            Config = config,
            RemediatorCode = remediatorCode,
            ResolvFix = resolvFix,
            DiagnoseTaskNetns = diagnose,
            EfsEvidence = efsEvidence,
            TargetClusters = targets,
            TaskSubnetIds = capacity.TaskSubnetIds,
            TaskSecurityGroupIds = capacity.TaskSecurityGroupIds,
            SafeCapacityAlarmName = SafeCapacity.NoSafeInstanceAlarmName(capacity),
            StackProps = new StackProps { Description = "ECS DNS remediation: detects awsvpc + EFS tasks that fail to resolve their file system behind a local resolver, and fixes the container instance" },
        });
        remediation.AddDependency(capacity, "rescheduled tasks go to the safe capacity provider");

        var hub = config.Organization is { } organization
            ? new OrganizationHub(remediation, "OrganizationHub", new OrganizationHubProps
            {
                Organization = organization,
                Remediation = remediation,
                MemberTemplateFile = MemberStack.Synthesize(
                    new MemberStackProps { Config = config, ResolvFix = resolvFix, DiagnoseTaskNetns = diagnose, EfsEvidence = efsEvidence },
                    Path.Combine(app.Outdir, "member.out")),
            })
            : null;

        return new AppStacks { Capacity = capacity, Remediation = remediation, Sandbox = sandbox, Hub = hub };
    }
}
