using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.SSM;
using CfnParameter = Amazon.CDK.CfnParameter;
using CfnParameterProps = Amazon.CDK.CfnParameterProps;
using EventBus = Amazon.CDK.AWS.Events.EventBus;
using EventBusTarget = Amazon.CDK.AWS.Events.Targets.EventBus;
using EventBusTargetProps = Amazon.CDK.AWS.Events.Targets.EventBusProps;
using Constructs;
using Infra.Configuration;
using Infra.Constructs;

namespace Infra.Stacks;

/// <summary>
/// The member part of organization scale, deployed by the hub's StackSet to every account of the target
/// organizational units, in every organization region: forwards failure candidates to the hub bus, and holds
/// what the hub needs to remediate here (the Command documents, EFS evidence included, the runbook and its role, the access role that
/// only the hub's Remediator and operator roles may assume) and the proactive association.
/// <para>
/// A StackSet cannot publish CDK assets and its stacks have unpredictable names, so this stack has neither:
/// it is synthesized without a bootstrap (<see cref="BootstraplessSynthesizer"/> throws on any asset), and
/// every name the hub relies on is fixed. IAM names are global per account, so the access role's name carries
/// the region: one stack instance per region may not collide with another.
/// </para>
/// </summary>
public sealed class MemberStack : Stack
{
    /// <summary>Prefix of every named member resource; distinct from the hub's own stack names.</summary>
    public const string NamePrefix = RemediationDocuments.MemberPrefix;

    public const string ResolvFixDocumentName = RemediationDocuments.MemberResolvFix;

    public const string DiagnoseDocumentName = RemediationDocuments.MemberDiagnose;

    public const string EfsEvidenceDocumentName = RemediationDocuments.MemberEfsEvidence;

    public const string RunbookName = RemediationDocuments.MemberRunbook;

    /// <summary>The access role is named NamePrefix-REGION (see the Remediator's MemberRoles).</summary>
    public const string AccessRoleNamePrefix = RemediationDocuments.MemberAccessRolePrefix;

    public const string HubAccountParameter = "HubAccountId";

    /// <summary>The hub Remediator's role, then the hub operators' roles (organizationOperatorRoleArns).</summary>
    public const string HubPrincipalsParameter = "HubPrincipalArns";

    public const string HubEventBusParameter = "HubEventBusArn";

    public MemberStack(Construct scope, string id, MemberStackProps props) : base(scope, id, new StackProps
    {
        Synthesizer = new BootstraplessSynthesizer(new BootstraplessSynthesizerProps()),
        Description = AppStacks.Described("ECS DNS remediation, organization member: forwards failures to the hub and lets only the hub's Remediator start the runbook here"),
    })
    {
        var config = props.Config;
        var hubAccount = new CfnParameter(this, HubAccountParameter, new CfnParameterProps
        {
            Type = "String",
            AllowedPattern = "^[0-9]{12}$",
            Description = "The hub account, where the Remediator runs",
        });
        var hubPrincipals = new CfnParameter(this, HubPrincipalsParameter, new CfnParameterProps
        {
            Type = "CommaDelimitedList",
            AllowedPattern = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$",
            Description = "The hub roles that may assume the access role: the Remediator function's, then operators' (remediator fleet)",
        });
        var hubBus = new CfnParameter(this, HubEventBusParameter, new CfnParameterProps
        {
            Type = "String",
            AllowedPattern = "^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/.+$",
            Description = "The hub event bus that receives this account's failure candidates",
        });

        var bus = EventBus.FromEventBusArn(this, "HubBus", hubBus.ValueAsString);
        var forwardFailures = new Queue(this, "ForwardFailureQueue", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            RetentionPeriod = Duration.Days(14),
            EnforceSSL = true,
        });
        _ = new Rule(this, "ForwardTaskStoppedRule", new RuleProps
        {
            Description = "ECS tasks stopped with a DNS resolution failure: to the hub's Remediator",
            EventPattern = TaskStoppedRule.Pattern(),
            Targets = [new EventBusTarget(bus, new EventBusTargetProps { DeadLetterQueue = forwardFailures })],
        });
        _ = new Rule(this, "ForwardAutomationFailedRule", new RuleProps
        {
            Description = "Remediation runbook executions here that failed or timed out: to the hub, which notifies",
            EventPattern = NotificationRules.AutomationFailedPattern(RunbookName),
            Targets = [new EventBusTarget(bus, new EventBusTargetProps { DeadLetterQueue = forwardFailures })],
        });

        // The runbook publishes to a topic here (SNS takes a Publish only in the topic's region, and members span
        // regions the hub does not); that it did so goes to the hub, whose operators get it on the hub's topic.
        _ = new Rule(this, "ForwardNotificationsRule", new RuleProps
        {
            Description = "Remediation runbook steps here that notified (healthy, not the local resolver, no verdict, ...): to the hub, which notifies",
            EventPattern = NotificationRules.RunbookNotifiedPattern(RunbookName),
            Targets = [new EventBusTarget(bus, new EventBusTargetProps { DeadLetterQueue = forwardFailures })],
        });
        var topic = new Topic(this, "Topic", new TopicProps
        {
            DisplayName = "ECS DNS remediation (member)",
            MasterKey = Alias.FromAliasName(this, "SnsKey", "alias/aws/sns"),
            EnforceSSL = true,
        });

        var documents = new CommandDocuments(this, "Documents", new CommandDocumentsProps
        {
            NamePrefix = NamePrefix,
            ResolvFix = props.ResolvFix,
            DiagnoseTaskNetns = props.DiagnoseTaskNetns,
            EfsEvidence = props.EfsEvidence,
            VpcResolver = config.VpcResolver,
        });

        // The same runbook and role as the hub's, over every cluster, task family and task role of this account
        // and region: the hub's allowlists name the hub's clusters, not the members'.
        var runbook = new Runbook(this, "Runbook", new RunbookProps
        {
            NamePrefix = NamePrefix,
            Documents = documents,
            NotificationTopic = topic,
            // The AWS managed key lets this account's principals use it through SNS: no grant.
            NotificationTopicKey = null,
            VpcResolver = config.VpcResolver,
            SafeCapacityProviderName = config.SafeCapacityProviderName,
            // A member's VPCs are its own: a reschedule takes the subnet from the event, and without
            // security groups ECS gives the task the VPC's default group.
            TaskSubnetIds = [],
            TaskSecurityGroupIds = [],
            AllowedClusters = [],
            TaskDefinitionFamilies = [],
            TaskRoleArns = [],
            RoleName = RemediationDocuments.MemberRunbookRole(Aws.REGION),
        });

        var access = new Role(this, "AccessRole", new RoleProps
        {
            RoleName = RemediationDocuments.MemberAccessRole(AccessRoleNamePrefix, Aws.REGION),
            Description = "Lets the hub's Remediator start the remediation runbook, and hub operators run remediator fleet, in this account and region",
            AssumedBy = new AccountPrincipal(hubAccount.ValueAsString).WithConditions(new Dictionary<string, object>
            {
                ["ArnEquals"] = new Dictionary<string, object> { ["aws:PrincipalArn"] = hubPrincipals.ValueAsList },
            }),
            MaxSessionDuration = Duration.Hours(1),
        });
        // The hub keeps one session per account for all its Regions (STS session tokens from a Regional endpoint are
        // valid in every Region: IAM User Guide, "Manage AWS STS in an AWS Region"), assumed through the role of
        // whichever Region's event came first: each Region's role may start the member runbook in every Region and
        // pass it that Region's runbook role.
        access.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "StartRunbookInEveryRegion",
            Actions = ["ssm:StartAutomationExecution"],
            Resources = [Arn("ssm", "automation-definition", RunbookName + ":*", region: "*")],
        }));
        access.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PassRunbookRoleOfEveryRegion",
            Actions = ["iam:PassRole"],
            Resources = [Arn("iam", "role", RemediationDocuments.MemberRunbookRolePattern, region: "")],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "ssm.amazonaws.com" } },
        }));

        // remediator fleet check|fix --account: the resolv-fix document on the instances, and its results.
        access.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "FleetSendHostFix",
            Actions = ["ssm:SendCommand"],
            Resources = [Arn("ssm", "document", ResolvFixDocumentName), Arn("ec2", "instance", "*")],
        }));
        access.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "FleetReadResults",
            Actions = ["ssm:ListCommandInvocations", "ssm:GetCommandInvocation"],
            Resources = ["*"],
        }));

        _ = new ProactiveAssociation(this, "Proactive", new ProactiveAssociationProps
        {
            NamePrefix = NamePrefix,
            ResolvFix = documents.ResolvFix,
            Action = config.ProactiveAction,
            VpcResolver = config.VpcResolver,
            Schedule = config.ProactiveSchedule,
            Clusters = [],
        });

        _ = new CfnOutput(this, "AccessRoleOutput", new CfnOutputProps { Key = "AccessRoleArn", Value = access.RoleArn });
        _ = new CfnOutput(this, "RunbookNameOutput", new CfnOutputProps { Key = "RunbookName", Value = RunbookName });
        _ = new CfnOutput(this, "TopicOutput", new CfnOutputProps { Key = "TopicArn", Value = topic.TopicArn });
    }

    string Arn(string service, string resource, string name, string? region = null) =>
        FormatArn(new ArnComponents { Service = service, Resource = resource, ResourceName = name, Region = region });

    /// <summary>
    /// Synthesizes the member template on its own (no bootstrap, no asset) into <paramref name="outdir"/>, a cloud
    /// assembly of its own that cfn-lint and `npm run nag -- DIR` check like the app's, and returns the template file.
    /// </summary>
    public static string Synthesize(MemberStackProps props, string outdir)
    {
        var app = new App(new AppProps { Outdir = outdir });
        var stack = new MemberStack(app, NamePrefix, props);
        var assembly = app.Synth();
        return Path.Combine(outdir, assembly.GetStackArtifact(stack.ArtifactId).TemplateFile);
    }
}
