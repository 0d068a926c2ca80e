using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SSM;
using Constructs;
using Infra.Documents;
using Remediation.Contracts;

namespace Infra.Constructs;

/// <summary>
/// The remediation runbook (<see cref="RemediationRunbook"/>) and the role it runs as: look up the container
/// instance, gather evidence and run the host fix through the <see cref="CommandDocuments"/>, reschedule the task,
/// notify on failure. The role may do that and nothing else; with an allowlist, only on those clusters.
/// </summary>
public sealed class Runbook : Construct
{
    public string Name { get; }

    public Role Role { get; }

    public CfnDocument Document { get; }

    public Runbook(Construct scope, string id, RunbookProps props) : base(scope, id)
    {
        Name = RemediationDocuments.Runbook(props.NamePrefix);
        Role = CreateRole(props);
        Document = new CfnDocument(this, "Document", new CfnDocumentProps
        {
            Name = Name,
            DocumentType = "Automation",
            DocumentFormat = "JSON",
            UpdateMethod = "NewVersion",
            Content = RemediationRunbook.Content(new RunbookDefaults
            {
                AssumeRoleArn = Role.RoleArn,
                VpcResolver = props.VpcResolver,
                CapacityProvider = props.SafeCapacityProviderName,
                Subnets = props.TaskSubnetIds,
                SecurityGroups = props.TaskSecurityGroupIds,
                NotificationTopicArn = props.NotificationTopic.TopicArn,
                ResolvFixDocumentName = props.Documents.ResolvFixName,
                EfsEvidenceDocumentName = props.Documents.EfsEvidenceName,
            }),
        });
        // The runbook names the Command documents as text: have CloudFormation create them first.
        Document.AddDependency(props.Documents.ResolvFix);
        Document.AddDependency(props.Documents.EfsEvidence);
    }

    /// <summary>
    /// Lets <paramref name="grantee"/> start this runbook (any version) and pass it <see cref="Role"/>, to SSM only.
    /// </summary>
    public void GrantStart(IGrantable grantee)
    {
        grantee.GrantPrincipal.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "StartRunbook",
            Actions = ["ssm:StartAutomationExecution"],
            Resources = [Arn("ssm", "automation-definition", Name + ":*")],
        }));
        grantee.GrantPrincipal.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PassRunbookRole",
            Actions = ["iam:PassRole"],
            Resources = [Role.RoleArn],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "ssm.amazonaws.com" } },
        }));
    }

    string Arn(string service, string resource, string name, string? region = null) =>
        Stack.Of(this).FormatArn(new ArnComponents { Service = service, Resource = resource, ResourceName = name, Region = region });

    Role CreateRole(RunbookProps props)
    {
        var role = new Role(this, "Role", new RoleProps
        {
            RoleName = props.RoleName,
            Description = "The remediation runbook's assume role: look up the container instance, run the host fix, reschedule the task",
            AssumedBy = new ServicePrincipal("ssm.amazonaws.com").WithConditions(new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Stack.Of(this).Account },
                ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = Arn("ssm", "automation-execution", "*") },
            }),
        });

        // With an allowlist, every ECS permission is held to those clusters; without one the Remediator acts
        // on every cluster of the account and Region, and so may the runbook.
        var scoped = props.AllowedClusters.Count > 0;
        var clusterArns = props.AllowedClusters.Select(c => Arn("ecs", "cluster", c)).ToArray();
        var clusterCondition = scoped
            ? new Dictionary<string, object> { ["ArnEquals"] = new Dictionary<string, object> { ["ecs:cluster"] = clusterArns } }
            : null;

        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DescribeContainerInstance",
            Actions = ["ecs:DescribeContainerInstances"],
            Resources = scoped
                ? props.AllowedClusters.Select(c => Arn("ecs", "container-instance", c + "/*")).ToArray()
                : [Arn("ecs", "container-instance", "*")],
            Conditions = clusterCondition,
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SendHostFix",
            Actions = ["ssm:SendCommand"],
            Resources = [Arn("ssm", "document", props.Documents.ResolvFixName), Arn("ssm", "document", props.Documents.EfsEvidenceName), Arn("ec2", "instance", "*")],
        }));
        // DescribeTaskDefinition takes no resource-level permission (Service Authorization Reference).
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadTaskDefinition",
            Actions = ["ecs:DescribeTaskDefinition"],
            Resources = ["*"],
        }));
        // Command results and instance information take no resource-level permissions.
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadHostFixResult",
            Actions = ["ssm:ListCommands", "ssm:ListCommandInvocations", "ssm:GetCommandInvocation", "ssm:DescribeInstanceInformation"],
            Resources = ["*"],
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "Reschedule",
            Actions = ["ecs:RunTask"],
            Resources = props.TaskDefinitionFamilies.Count > 0
                ? props.TaskDefinitionFamilies.Select(f => Arn("ecs", "task-definition", f + ":*")).ToArray()
                : [Arn("ecs", "task-definition", "*:*")],
            Conditions = clusterCondition,
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "TagRescheduledTask",
            Actions = ["ecs:TagResource"],
            Resources = [Arn("ecs", "task", "*")],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["ecs:CreateAction"] = "RunTask" } },
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "PassTaskRoles",
            Actions = ["iam:PassRole"],
            Resources = props.TaskRoleArns.Count > 0 ? props.TaskRoleArns.ToArray() : [Arn("iam", "role", "*", region: "")],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["iam:PassedToService"] = "ecs-tasks.amazonaws.com" } },
        }));
        props.NotificationTopic.GrantPublish(role);
        props.NotificationTopicKey?.Grant(role, "kms:Decrypt", "kms:GenerateDataKey");
        return role;
    }
}
