using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using Infra.Configuration;
using Infra.Stacks;

namespace Infra.Constructs;

/// <summary>
/// Turns the remediation stack into the organization's hub: a central event bus that only principals of the
/// organization may put events on, a rule from it to the same Remediator, the Remediator's right to assume the
/// member access roles, and the service-managed StackSet that deploys <see cref="MemberStack"/> to every
/// account of the target organizational units in the organization regions (new accounts included).
/// <para>
/// The member template goes by TemplateURL, not TemplateBody: the two host scripts that its Command documents
/// embed are larger together than TemplateBody's 51,200 bytes. It is a file asset in the hub's bootstrap bucket,
/// which CloudFormation reads with the deploying account's rights when it creates the StackSet.
/// </para>
/// </summary>
public sealed class OrganizationHub : Construct
{
    public const string EventBusName = "EcsDnsRemediationHub";

    public const string StackSetName = "EcsDnsRemediationMember";

    public Amazon.CDK.AWS.Events.EventBus Bus { get; }

    public CfnStackSet StackSet { get; }

    public OrganizationHub(Construct scope, string id, OrganizationHubProps props) : base(scope, id)
    {
        var org = props.Organization;
        var remediation = props.Remediation;
        var remediator = remediation.Remediator;

        Bus = new Amazon.CDK.AWS.Events.EventBus(this, "Bus", new Amazon.CDK.AWS.Events.EventBusProps { EventBusName = EventBusName });
        _ = new CfnEventBusPolicy(this, "BusPolicy", new CfnEventBusPolicyProps
        {
            EventBusName = Bus.EventBusName,
            StatementId = "OrganizationPutEvents",
            Statement = new Dictionary<string, object>
            {
                ["Sid"] = "OrganizationPutEvents",
                ["Effect"] = "Allow",
                ["Principal"] = "*",
                ["Action"] = "events:PutEvents",
                ["Resource"] = Bus.EventBusArn,
                ["Condition"] = new Dictionary<string, object>
                {
                    ["StringEquals"] = new Dictionary<string, object> { ["aws:PrincipalOrgID"] = org.OrganizationId },
                },
            },
        });

        _ = new Rule(this, "TaskStoppedRule", new RuleProps
        {
            EventBus = Bus,
            Description = "Member accounts' ECS tasks stopped with a DNS resolution failure: to the Remediator",
            EventPattern = TaskStoppedRule.Pattern(),
            Targets =
            [
                new LambdaFunction(remediator.Function, new LambdaFunctionProps
                {
                    DeadLetterQueue = remediator.FailureQueue,
                    RetryAttempts = 8,
                    MaxEventAge = Duration.Hours(6),
                }),
            ],
        });

        ForwardToTopic("AutomationFailedRule",
            "Member runbook executions that failed or timed out: to the notification topic, naming account and region",
            NotificationRules.AutomationFailedPattern(MemberStack.RunbookName),
            $"ended {EventField.FromPath("$.detail.Status")}. Sign in to that account: Systems Manager > Automation.");
        ForwardToTopic("MemberNotifiedRule",
            "Member runbook steps that notified on the member's own topic: to the notification topic, naming account, region and step",
            NotificationRules.RunbookNotifiedPattern(MemberStack.RunbookName),
            $"notified: {EventField.FromPath("$.detail.StepName")}. Its message, with the evidence, is on that account's topic (stack output TopicArn of the member stack) and in the execution's outputs: sign in to that account, Systems Manager > Automation.");

        // A rule on the hub bus that tells the hub's operators about one member runbook execution.
        void ForwardToTopic(string id, string description, EventPattern pattern, string outcome) =>
            _ = new Rule(this, id, new RuleProps
            {
                EventBus = Bus,
                Description = description,
                EventPattern = pattern,
                Targets =
                [
                    new SnsTopic(remediation.Notifications.Topic, new SnsTopicProps
                    {
                        Message = RuleTargetInput.FromText(
                            $"ECS DNS remediation: runbook execution {EventField.FromPath("$.detail.ExecutionId")} of {MemberStack.RunbookName} in account {EventField.Account} region {EventField.Region} {outcome}"),
                    }),
                ],
            });

        var stack = Stack.Of(this);
        remediator.Function.AddEnvironment(RemediatorEnvironment.HubAccount, stack.Account);
        remediator.Function.AddEnvironment(RemediatorEnvironment.MemberRoleName, MemberStack.AccessRoleNamePrefix);
        remediator.Function.AddEnvironment(RemediatorEnvironment.MemberRunbookName, MemberStack.RunbookName);
        remediator.Role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AssumeMemberAccessRoles",
            Actions = ["sts:AssumeRole"],
            Resources = [stack.FormatArn(new ArnComponents { Service = "iam", Region = "", Account = "*", Resource = "role", ResourceName = MemberStack.AccessRoleNamePrefix + "-*" })],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:ResourceOrgID"] = org.OrganizationId },
            },
        }));

        var template = new Asset(this, "MemberTemplate", new AssetProps { Path = props.MemberTemplateFile });
        StackSet = new CfnStackSet(this, "MemberStackSet", new CfnStackSetProps
        {
            StackSetName = StackSetName,
            Description = "ECS DNS remediation, organization members: forwarding rule, documents, runbook, access role and association",
            PermissionModel = "SERVICE_MANAGED",
            CallAs = org.CallAs == StackSetCaller.Self ? "SELF" : "DELEGATED_ADMIN",
            AutoDeployment = new CfnStackSet.AutoDeploymentProperty { Enabled = true, RetainStacksOnAccountRemoval = false },
            Capabilities = ["CAPABILITY_NAMED_IAM"],
            // ManagedExecution is untyped in CDK 2.160 (jsii would write "active"): the CloudFormation spelling by hand.
            ManagedExecution = new Dictionary<string, object> { ["Active"] = true },
            // Strict failure tolerance (the default) runs at most 10% + 1 accounts per Region at once.
            OperationPreferences = new CfnStackSet.OperationPreferencesProperty
            {
                RegionConcurrencyType = "PARALLEL",
                MaxConcurrentPercentage = 25,
                FailureTolerancePercentage = 10,
            },
            TemplateUrl = template.HttpUrl,
            Parameters = new object[]
            {
                Parameter(MemberStack.HubAccountParameter, stack.Account),
                Parameter(MemberStack.HubPrincipalsParameter, Fn.Join(",", [remediator.Role.RoleArn, .. org.OperatorRoleArns])),
                Parameter(MemberStack.HubEventBusParameter, Bus.EventBusArn),
            },
            StackInstancesGroup = new object[]
            {
                new CfnStackSet.StackInstancesProperty
                {
                    // The hub account may sit in its own target OUs; a member stack instance there would run every
                    // event twice. StackSets' account filter (DeploymentTargets AccountFilterType DIFFERENCE, AWS
                    // CloudFormation User Guide, AWS::CloudFormation::StackSet DeploymentTargets) leaves it out.
                    DeploymentTargets = new CfnStackSet.DeploymentTargetsProperty
                    {
                        OrganizationalUnitIds = org.Targets.ToArray(),
                        AccountFilterType = "DIFFERENCE",
                        Accounts = [stack.Account],
                    },
                    Regions = org.Regions.ToArray(),
                },
            },
        });

        _ = new CfnOutput(stack, "HubEventBusOutput", new CfnOutputProps { Key = "HubEventBusArn", Value = Bus.EventBusArn });
        _ = new CfnOutput(stack, "MemberStackSetOutput", new CfnOutputProps { Key = "MemberStackSetId", Value = StackSet.AttrStackSetId });
    }

    static CfnStackSet.ParameterProperty Parameter(string key, string value) =>
        new() { ParameterKey = key, ParameterValue = value };
}
