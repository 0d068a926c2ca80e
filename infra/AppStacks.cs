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

    /// <summary>The safe capacity; null when no cluster gets one (remediation:safeCapacityClusters=none).</summary>
    public CapacityStack? Capacity { get; init; }

    public required RemediationStack Remediation { get; init; }

    public SandboxStack? Sandbox { get; init; }

    /// <summary>The organization hub inside the remediation stack, when the organization keys are set.</summary>
    public OrganizationHub? Hub { get; init; }

    public static AppStacks Build(App app, RemediationConfig config, string repositoryRoot, Code remediatorCode)
    {
        var resolvFix = HostScript.Load(repositoryRoot, "resolv-fix.sh");
        var diagnose = HostScript.Load(repositoryRoot, "diagnose-task-netns.sh");
        var efsEvidence = HostScript.Load(repositoryRoot, "efs-evidence.sh");

        CapacityStack? capacity = config.SafeCapacityClusters.Count > 0
            ? new CapacityStack(app, CapacityStackName, new CapacityStackProps
            {
                Config = config,
                RepositoryRoot = repositoryRoot,
                StackProps = new StackProps { Description = Described("ECS DNS remediation, prevention: safe capacity (container instances without a local resolver) and placement") },
            })
            : null;

        SandboxStack? sandbox = config.Sandbox
            ? new SandboxStack(app, SandboxStackName, new SandboxStackProps
            {
                StackProps = new StackProps { Description = Described("ECS DNS remediation sandbox: the failing setup (dnsmasq container instances, EFS, an awsvpc task). Not for production accounts.") },
            })
            : null;

        var targets = new[] { config.Cluster }
            .Concat(config.SafeCapacityClusters.Select(c => c.Name))
            .Concat(config.AllowedClusters)
            .Concat(sandbox is null ? [] : [SandboxStack.ClusterName])
            .Where(name => name.Length > 0)
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
            TaskSubnetIds = capacity?.TaskSubnetIds ?? config.SubnetIds,
            TaskSecurityGroupIds = capacity?.TaskSecurityGroupIds ?? config.TaskSecurityGroupIds,
            SafeCapacityAlarmNames = capacity?.NoSafeInstanceAlarmNames ?? [],
            StackProps = new StackProps { Description = Described("ECS DNS remediation: detects awsvpc + EFS tasks that fail to resolve their file system behind a local resolver, and fixes the container instance") },
        });
        if (capacity is not null)
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

    /// <summary>A stack description with the product's version (Directory.Build.props), so a deployed stack says which release it is.</summary>
    public static string Described(string description) => $"{description} (v{ProductVersion.Current})";
}
