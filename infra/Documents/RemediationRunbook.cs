namespace Infra.Documents;

/// <summary>Defaults of the runbook parameters that come from the deployment.</summary>
public sealed record RunbookDefaults
{
    public required string AssumeRoleArn { get; init; }

    public required string VpcResolver { get; init; }

    public required string CapacityProvider { get; init; }

    public required IReadOnlyList<string> Subnets { get; init; }

    public required IReadOnlyList<string> SecurityGroups { get; init; }

    public required string NotificationTopicArn { get; init; }

    /// <summary>The resolv-fix Command document that the host fix runs.</summary>
    public required string ResolvFixDocumentName { get; init; }
}

/// <summary>
/// The Automation runbook, the single path of remediation for the Remediator and for operators: look up the
/// container instance's EC2 instance, run the host fix, and reschedule the task onto the safe capacity.
/// </summary>
public static class RemediationRunbook
{
    public const string PlacementExpression = "attribute:dns.local-resolver == none";

    public static Dictionary<string, object> Content(RunbookDefaults d)
    {
        static Dictionary<string, object> Parameter(string type, string description, object? @default, string? pattern = null)
        {
            var p = new Dictionary<string, object> { ["type"] = type, ["description"] = description };
            if (pattern is not null)
                p["allowedPattern"] = pattern;
            if (@default is not null)
                p["default"] = @default;
            return p;
        }

        static Dictionary<string, object> Publish(string name, string subject, string message, string? next) =>
            Step(name, "aws:executeAwsApi", new Dictionary<string, object>
            {
                ["Service"] = "sns",
                ["Api"] = "Publish",
                ["TopicArn"] = "{{NotificationTopicArn}}",
                ["Subject"] = subject,
                ["Message"] = message,
            }, next);

        var parameters = new Dictionary<string, object>
        {
            ["AutomationAssumeRole"] = Parameter("String", "The role the runbook runs as.", d.AssumeRoleArn, Patterns.RoleArn),
            ["ClusterArn"] = Parameter("String", "The cluster of the container instance and of the stopped task.", null, Patterns.ClusterArn),
            ["ContainerInstanceArn"] = Parameter("String", "The container instance the task failed on.", null, Patterns.ContainerInstanceArn),
            ["FixHost"] = Parameter("String", "yes: run the host fix on the container instance.", "yes", Patterns.YesNo),
            ["Resolver"] = Parameter("String", "The VPC resolver the host fix puts within the first three nameservers.", d.VpcResolver, Patterns.IpLiteral),
            ["VerifyHost"] = Parameter("String", "A DNS name (the EFS name) that must resolve through the VPC resolver before the host is changed; empty to skip.", "", Patterns.DnsNameOrEmpty),
            ["Reschedule"] = Parameter("String", "yes: start the task again on the safe capacity.", "no", Patterns.YesNo),
            ["TaskDefinitionArn"] = Parameter("String", "The stopped task's task definition (needed to reschedule).", "", Patterns.TaskDefinitionArnOrEmpty),
            ["Group"] = Parameter("String", "The stopped task's group, kept on the rescheduled task.", "", Patterns.Group),
            ["StartedBy"] = Parameter("String", "The attempt marker of the rescheduled task.", "", Patterns.StartedBy),
            ["CapacityProvider"] = Parameter("String", "The safe capacity provider.", d.CapacityProvider, Patterns.CapacityProvider),
            ["Subnets"] = Parameter("StringList", "Subnets of the rescheduled task.", d.Subnets.ToArray(), Patterns.Subnet),
            ["SecurityGroups"] = Parameter("StringList", "Security groups of the rescheduled task (ECS events do not carry them).", d.SecurityGroups.ToArray(), Patterns.SecurityGroup),
            ["ContainerOverrides"] = Parameter("MapList", "The container overrides of the stopped task.", Array.Empty<object>()),
            ["NotificationTopicArn"] = Parameter("String", "Where the runbook reports a host it must not fix, or a failed host fix.", d.NotificationTopicArn, Patterns.TopicArn),
        };

        var steps = new object[]
        {
            Branch("ChooseHostFix", "{{FixHost}}", "StringEquals", "yes", "DescribeContainerInstance", "ChooseReschedule"),
            Step("DescribeContainerInstance", "aws:executeAwsApi", new Dictionary<string, object>
            {
                ["Service"] = "ecs",
                ["Api"] = "DescribeContainerInstances",
                ["cluster"] = "{{ClusterArn}}",
                ["containerInstances"] = new[] { "{{ContainerInstanceArn}}" },
            }, "FixHost", outputs: [Output("InstanceId", "$.containerInstances[0].ec2InstanceId", "String")]),
            // Not critical and onFailure Continue: a non-zero exit is an answer the next step branches on.
            new Dictionary<string, object>
            {
                ["name"] = "FixHost",
                ["action"] = "aws:runCommand",
                ["onFailure"] = "Continue",
                ["isCritical"] = false,
                ["timeoutSeconds"] = 600,
                ["inputs"] = new Dictionary<string, object>
                {
                    ["DocumentName"] = d.ResolvFixDocumentName,
                    ["InstanceIds"] = new[] { "{{DescribeContainerInstance.InstanceId}}" },
                    ["Parameters"] = new Dictionary<string, object>
                    {
                        ["Action"] = "fix",
                        ["Resolver"] = "{{Resolver}}",
                        ["VerifyHost"] = "{{VerifyHost}}",
                    },
                },
                ["nextStep"] = "BranchOnHostFix",
            },
            new Dictionary<string, object>
            {
                ["name"] = "BranchOnHostFix",
                ["action"] = "aws:branch",
                ["inputs"] = new Dictionary<string, object>
                {
                    ["Choices"] = new object[]
                    {
                        new Dictionary<string, object> { ["NextStep"] = "ChooseReschedule", ["Variable"] = "{{FixHost.ResponseCode}}", ["NumericEquals"] = 0 },
                        new Dictionary<string, object> { ["NextStep"] = "NotifyNotLocalResolver", ["Variable"] = "{{FixHost.ResponseCode}}", ["NumericEquals"] = 3 },
                    },
                    ["Default"] = "NotifyHostFixFailed",
                },
            },
            Publish("NotifyNotLocalResolver", "ECS DNS remediation: not the local resolver",
                "{{VerifyHost}} does not resolve through the VPC resolver {{Resolver}} from {{DescribeContainerInstance.InstanceId}}: not the local resolver; check mount target in the AZ, DNS hostnames, file system id. The host was not changed and the task was not rescheduled.",
                next: null),
            Publish("NotifyHostFixFailed", "ECS DNS remediation: host fix failed",
                "host fix failed with exit code {{FixHost.ResponseCode}} on {{DescribeContainerInstance.InstanceId}} ({{ContainerInstanceArn}}); command {{FixHost.CommandId}}. The task was not rescheduled.",
                next: "FailHostFix"),
            new Dictionary<string, object>
            {
                ["name"] = "FailHostFix",
                ["action"] = "aws:executeScript",
                ["isEnd"] = true,
                ["inputs"] = new Dictionary<string, object>
                {
                    ["Runtime"] = "python3.11",
                    ["Handler"] = "fail",
                    ["InputPayload"] = new Dictionary<string, object> { ["ResponseCode"] = "{{FixHost.ResponseCode}}" },
                    ["Script"] = "def fail(events, context):\n    raise RuntimeError('host fix failed with exit code ' + str(events['ResponseCode']))\n",
                },
            },
            Branch("ChooseReschedule", "{{Reschedule}}", "StringEquals", "yes", "RescheduleTask", "Done"),
            Step("RescheduleTask", "aws:executeAwsApi", new Dictionary<string, object>
            {
                ["Service"] = "ecs",
                ["Api"] = "RunTask",
                ["cluster"] = "{{ClusterArn}}",
                ["taskDefinition"] = "{{TaskDefinitionArn}}",
                ["count"] = 1,
                ["group"] = "{{Group}}",
                ["startedBy"] = "{{StartedBy}}",
                ["capacityProviderStrategy"] = new object[]
                {
                    new Dictionary<string, object> { ["capacityProvider"] = "{{CapacityProvider}}", ["weight"] = 1 },
                },
                ["networkConfiguration"] = new Dictionary<string, object>
                {
                    ["awsvpcConfiguration"] = new Dictionary<string, object>
                    {
                        ["subnets"] = "{{Subnets}}",
                        ["securityGroups"] = "{{SecurityGroups}}",
                        ["assignPublicIp"] = "DISABLED",
                    },
                },
                ["overrides"] = new Dictionary<string, object> { ["containerOverrides"] = "{{ContainerOverrides}}" },
                ["placementConstraints"] = new object[]
                {
                    new Dictionary<string, object> { ["type"] = "memberOf", ["expression"] = PlacementExpression },
                },
                ["propagateTags"] = "TASK_DEFINITION",
            }, next: null, outputs: [Output("TaskArn", "$.tasks[0].taskArn", "String")]),
            // The end of the runs that reschedule nothing; aws:branch needs a step to send them to.
            new Dictionary<string, object>
            {
                ["name"] = "Done",
                ["action"] = "aws:sleep",
                ["isEnd"] = true,
                ["inputs"] = new Dictionary<string, object> { ["Duration"] = "PT0S" },
            },
        };

        return new Dictionary<string, object>
        {
            ["schemaVersion"] = "0.3",
            ["description"] = "ECS DNS remediation: looks up the container instance's EC2 instance, runs the host fix (resolv-fix, Action=fix, with VerifyHost), and reschedules the stopped task onto the safe capacity. Started by the Remediator, or by hand with the same parameters.",
            ["assumeRole"] = "{{AutomationAssumeRole}}",
            ["parameters"] = parameters,
            ["outputs"] = new[] { "DescribeContainerInstance.InstanceId", "FixHost.ResponseCode", "RescheduleTask.TaskArn" },
            ["mainSteps"] = steps,
        };
    }

    static Dictionary<string, object> Step(string name, string action, Dictionary<string, object> inputs, string? next,
        object[]? outputs = null)
    {
        var step = new Dictionary<string, object> { ["name"] = name, ["action"] = action, ["inputs"] = inputs };
        if (outputs is not null)
            step["outputs"] = outputs;
        if (next is not null)
            step["nextStep"] = next;
        else
            step["isEnd"] = true;
        return step;
    }

    static Dictionary<string, object> Branch(string name, string variable, string op, object value, string next, string @default) => new()
    {
        ["name"] = name,
        ["action"] = "aws:branch",
        ["inputs"] = new Dictionary<string, object>
        {
            ["Choices"] = new object[] { new Dictionary<string, object> { ["NextStep"] = next, ["Variable"] = variable, [op] = value } },
            ["Default"] = @default,
        },
    };

    static Dictionary<string, object> Output(string name, string selector, string type) =>
        new() { ["Name"] = name, ["Selector"] = selector, ["Type"] = type };
}
