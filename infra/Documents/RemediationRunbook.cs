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

    /// <summary>The read-only EFS evidence Command document that decides whether the host fix runs.</summary>
    public required string EfsEvidenceDocumentName { get; init; }
}

/// <summary>
/// The Automation runbook, the single path of remediation for the Remediator and for operators: look up the
/// container instance's EC2 instance, gather evidence on it (read-only), run the host fix only when the evidence
/// says the local resolver is the cause, and reschedule the task onto the safe capacity.
/// </summary>
/// <remarks>
/// Branches read only outputs of steps that succeeded: the evidence command exits 0 with its verdict on the
/// first output line. A failed command goes to a notification through onFailure step:NAME and, being a
/// critical step, leaves the execution Failed; no aws:executeScript is needed to fail it. Every step that runs a
/// command says isCritical itself: the user guide gives true as the default (automation-branchdocs.html), the
/// StepExecution API reference does not.
/// </remarks>
public static class RemediationRunbook
{
    /// <summary>Every step that publishes a notification is named so: an organization hub forwards them by it.</summary>
    public const string NotifyStepPrefix = "Notify";

    const string FileSystemIdsOutput = "FileSystemIds";

    /// <summary>
    /// Every EFS file system id of the task definition, wherever its volumes sit, as a StringList. Systems Manager's
    /// selectors support the child (.), deep-scan (..) and array-index ([n]) operators; a deep scan always returns a
    /// list, typed StringList or MapList ("Using JSONPath in runbooks", Systems Manager User Guide,
    /// automation-action-outputs-inputs; its example $.Reservations..BlockDeviceMappings..VolumeId has this shape).
    /// The second deep scan, not a child step, keeps to the shape the guide shows; efsVolumeConfiguration holds no
    /// other fileSystemId, and a FSx volume's fileSystemId sits under fsxWindowsFileServerVolumeConfiguration.
    /// Assumed, not documented: a task definition without EFS volumes gives an empty list, not a failed step.
    /// </summary>
    public const string EfsFileSystemIdsSelector = "$.taskDefinition.volumes..efsVolumeConfiguration..fileSystemId";

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
            Step(name.StartsWith(NotifyStepPrefix, StringComparison.Ordinal) ? name : throw new ArgumentException($"a publishing step is named {NotifyStepPrefix}*: {name}", nameof(name)), "aws:executeAwsApi", new Dictionary<string, object>
            {
                ["Service"] = "sns",
                ["Api"] = "Publish",
                ["TopicArn"] = Ref(RunbookParameterNames.NotificationTopicArn),
                ["Subject"] = subject,
                ["Message"] = message,
            }, next);

        var parameters = new Dictionary<string, object>
        {
            [RunbookParameterNames.AutomationAssumeRole] = Parameter("String", "The role the runbook runs as.", d.AssumeRoleArn, Patterns.RoleArn),
            [RunbookParameterNames.ClusterArn] = Parameter("String", "The cluster of the container instance and of the stopped task.", null, Patterns.ClusterArn),
            [RunbookParameterNames.ContainerInstanceArn] = Parameter("String", "The container instance the task failed on.", null, Patterns.ContainerInstanceArn),
            [RunbookParameterNames.FixHost] = Parameter("String", "yes: run the host fix on the container instance.", YesNo.Yes, Patterns.YesNo),
            [RunbookParameterNames.Resolver] = Parameter("String", "The VPC resolver the host fix puts within the first three nameservers.", d.VpcResolver, Patterns.IpLiteral),
            [RunbookParameterNames.VerifyHost] = Parameter("String", "The EFS name from the task's reason, when it named one; empty to build it from the task definition's file system and the Region.", "", Patterns.DnsNameOrEmpty),
            [RunbookParameterNames.Reschedule] = Parameter("String", "yes: start the task again on the safe capacity.", YesNo.No, Patterns.YesNo),
            [RunbookParameterNames.TaskDefinitionArn] = Parameter("String", "The stopped task's task definition: the EFS file systems the evidence tests (every EFS volume), and what a reschedule starts. Needed for the host fix.", "", Patterns.TaskDefinitionArnOrEmpty),
            [RunbookParameterNames.Group] = Parameter("String", "The stopped task's group, kept on the rescheduled task.", "", Patterns.Group),
            [RunbookParameterNames.StartedBy] = Parameter("String", "The attempt marker of the rescheduled task.", "", Patterns.StartedBy),
            [RunbookParameterNames.CapacityProvider] = Parameter("String", "The safe capacity provider.", d.CapacityProvider, Patterns.CapacityProvider),
            [RunbookParameterNames.Subnets] = Parameter("StringList", "Subnets of the rescheduled task.", d.Subnets.ToArray(), Patterns.Subnet),
            [RunbookParameterNames.SecurityGroups] = Parameter("StringList", "Security groups of the rescheduled task (ECS events do not carry them).", d.SecurityGroups.ToArray(), Patterns.SecurityGroup),
            [RunbookParameterNames.ContainerOverrides] = Parameter("MapList", "The container overrides of the stopped task.", Array.Empty<object>()),
            [RunbookParameterNames.NotificationTopicArn] = Parameter("String", "Where the runbook reports a host it must not fix, or a failed host fix.", d.NotificationTopicArn, Patterns.TopicArn),
        };

        const string NotChanged = " The host was not changed and the task was not rescheduled.";
        var steps = new object[]
        {
            Branch("ChooseHostFix", Ref(RunbookParameterNames.FixHost), "StringEquals", YesNo.Yes, "DescribeContainerInstance", "ChooseReschedule"),
            Step("DescribeContainerInstance", "aws:executeAwsApi", new Dictionary<string, object>
            {
                ["Service"] = "ecs",
                ["Api"] = "DescribeContainerInstances",
                ["cluster"] = Ref(RunbookParameterNames.ClusterArn),
                ["containerInstances"] = new[] { Ref(RunbookParameterNames.ContainerInstanceArn) },
            }, "ChooseEvidence", outputs: [Output("InstanceId", "$.containerInstances[0].ec2InstanceId", "String")]),
            Branch("ChooseEvidence", Ref(RunbookParameterNames.TaskDefinitionArn), "StartsWith", "arn:", "DescribeTaskDefinition", "NotifyNoTaskDefinition"),
            // A stopped task's task definition stays describable (even deregistered). Its EFS volumes may sit anywhere
            // in volumes, after bind mounts or Docker volumes.
            Step("DescribeTaskDefinition", "aws:executeAwsApi", new Dictionary<string, object>
            {
                ["Service"] = "ecs",
                ["Api"] = "DescribeTaskDefinition",
                ["taskDefinition"] = Ref(RunbookParameterNames.TaskDefinitionArn),
            }, "GatherEvidence", outputs: [Output(FileSystemIdsOutput, EfsFileSystemIdsSelector, "StringList")]),
            RunCommand("GatherEvidence", d.EfsEvidenceDocumentName, new Dictionary<string, object>
            {
                [EfsEvidenceParameterNames.Resolver] = Ref(RunbookParameterNames.Resolver),
                [EfsEvidenceParameterNames.VerifyHost] = Ref(RunbookParameterNames.VerifyHost),
                [EfsEvidenceParameterNames.FileSystemIds] = "{{DescribeTaskDefinition." + FileSystemIdsOutput + "}}",
                [EfsEvidenceParameterNames.Region] = "{{global:REGION}}",
            }, next: "BranchOnEvidence", onFailure: "NotifyEvidenceFailed", timeoutSeconds: 300),
            new Dictionary<string, object>
            {
                ["name"] = "BranchOnEvidence",
                ["action"] = "aws:branch",
                ["inputs"] = new Dictionary<string, object>
                {
                    ["Choices"] = new object[]
                    {
                        new Dictionary<string, object> { ["NextStep"] = "FixHost", ["Variable"] = "{{GatherEvidence.Output}}", ["StartsWith"] = Verdict(EfsEvidenceVerdicts.FixHost) },
                        new Dictionary<string, object> { ["NextStep"] = "NotifyHealthy", ["Variable"] = "{{GatherEvidence.Output}}", ["StartsWith"] = Verdict(EfsEvidenceVerdicts.Healthy) },
                        new Dictionary<string, object> { ["NextStep"] = "NotifyNotLocalResolver", ["Variable"] = "{{GatherEvidence.Output}}", ["StartsWith"] = Verdict(EfsEvidenceVerdicts.NotDns) },
                    },
                    ["Default"] = "NotifyNoVerdict",
                },
            },
            RunCommand("FixHost", d.ResolvFixDocumentName, new Dictionary<string, object>
            {
                [ResolvFixParameterNames.Action] = ResolvFixParameterNames.Fix,
                [ResolvFixParameterNames.Resolver] = Ref(RunbookParameterNames.Resolver),
                [ResolvFixParameterNames.VerifyHost] = Ref(RunbookParameterNames.VerifyHost),
            }, next: "ChooseReschedule", onFailure: "NotifyHostFixFailed", timeoutSeconds: 600),
            Publish("NotifyHostFixFailed", "ECS DNS remediation: host fix failed",
                "The host fix (resolv-fix) failed on {{DescribeContainerInstance.InstanceId}} ({{ContainerInstanceArn}}) after the evidence showed the local resolver as the cause; see Run Command's history for that instance. The task was not rescheduled.",
                next: null),
            Publish("NotifyHealthy", "ECS DNS remediation: resolv.conf is healthy",
                "An EFS mount failed on {{DescribeContainerInstance.InstanceId}} ({{ContainerInstanceArn}}), but its resolv.conf is healthy: not the local resolver." + NotChanged + " Evidence:\n{{GatherEvidence.Output}}",
                next: null),
            Publish("NotifyNotLocalResolver", "ECS DNS remediation: not the local resolver",
                "The EFS name does not resolve through the VPC resolver {{Resolver}} from {{DescribeContainerInstance.InstanceId}}: not the local resolver; check mount target in the AZ, DNS hostnames, file system id." + NotChanged + " Evidence:\n{{GatherEvidence.Output}}",
                next: null),
            Publish("NotifyNoVerdict", "ECS DNS remediation: no verdict",
                "The evidence on {{DescribeContainerInstance.InstanceId}} ({{ContainerInstanceArn}}) gave no verdict: the EFS name could not be tested (the VPC resolver did not answer, or the test could not run), or no EFS name was known." + NotChanged + " Evidence:\n{{GatherEvidence.Output}}",
                next: null),
            Publish("NotifyEvidenceFailed", "ECS DNS remediation: evidence failed",
                "The evidence command failed on {{DescribeContainerInstance.InstanceId}} ({{ContainerInstanceArn}}); see Run Command's history for that instance." + NotChanged,
                next: null),
            Publish("NotifyNoTaskDefinition", "ECS DNS remediation: no task definition",
                "No TaskDefinitionArn was given for {{ContainerInstanceArn}}: without it the runbook cannot find the EFS file system to test, so it does not change the host." + NotChanged,
                next: null),
            Branch("ChooseReschedule", Ref(RunbookParameterNames.Reschedule), "StringEquals", YesNo.Yes, "RescheduleTask", "Done"),
            Step("RescheduleTask", "aws:executeAwsApi", new Dictionary<string, object>
            {
                ["Service"] = "ecs",
                ["Api"] = "RunTask",
                ["cluster"] = Ref(RunbookParameterNames.ClusterArn),
                ["taskDefinition"] = Ref(RunbookParameterNames.TaskDefinitionArn),
                ["count"] = 1,
                ["group"] = Ref(RunbookParameterNames.Group),
                ["startedBy"] = Ref(RunbookParameterNames.StartedBy),
                ["capacityProviderStrategy"] = new object[]
                {
                    new Dictionary<string, object> { ["capacityProvider"] = Ref(RunbookParameterNames.CapacityProvider), ["weight"] = 1 },
                },
                ["networkConfiguration"] = new Dictionary<string, object>
                {
                    ["awsvpcConfiguration"] = new Dictionary<string, object>
                    {
                        ["subnets"] = Ref(RunbookParameterNames.Subnets),
                        ["securityGroups"] = Ref(RunbookParameterNames.SecurityGroups),
                        ["assignPublicIp"] = "DISABLED",
                    },
                },
                ["overrides"] = new Dictionary<string, object> { ["containerOverrides"] = Ref(RunbookParameterNames.ContainerOverrides) },
                ["placementConstraints"] = new object[]
                {
                    new Dictionary<string, object> { ["type"] = "memberOf", ["expression"] = SafeCapacityAttribute.PlacementExpression },
                },
                ["propagateTags"] = "TASK_DEFINITION",
            }, next: null, outputs: [Output("TaskArn", "$.tasks[0].taskArn", "String")]),
            // The end of the runs that reschedule nothing; aws:branch needs a step to send them to. One second:
            // aws:sleep documents an ISO 8601 duration, not that a zero one is accepted.
            new Dictionary<string, object>
            {
                ["name"] = "Done",
                ["action"] = "aws:sleep",
                ["isEnd"] = true,
                ["inputs"] = new Dictionary<string, object> { ["Duration"] = "PT1S" },
            },
        };

        return new Dictionary<string, object>
        {
            ["schemaVersion"] = "0.3",
            ["description"] = "ECS DNS remediation: looks up the container instance's EC2 instance, gathers evidence on it (read-only: resolv.conf, the EFS name through the VPC resolver, efs-utils logs), runs the host fix (resolv-fix, Action=fix) only when resolv.conf is at risk and the name resolves through the VPC resolver, else notifies what it found; then reschedules the stopped task onto the safe capacity. Started by the Remediator, or by hand with the same parameters.",
            ["assumeRole"] = Ref(RunbookParameterNames.AutomationAssumeRole),
            ["parameters"] = parameters,
            ["outputs"] = new[] { "DescribeContainerInstance.InstanceId", "GatherEvidence.Output", "RescheduleTask.TaskArn" },
            ["mainSteps"] = steps,
        };
    }

    static Dictionary<string, object> Step(string name, string action, Dictionary<string, object> inputs, string? next,
        object[]? outputs = null)
    {
        var step = new Dictionary<string, object> { ["name"] = name, ["action"] = action, ["isCritical"] = true, ["inputs"] = inputs };
        if (outputs is not null)
            step["outputs"] = outputs;
        if (next is not null)
            step["nextStep"] = next;
        else
            step["isEnd"] = true;
        return step;
    }

    /// <summary>An aws:runCommand step; a failed command goes to <paramref name="onFailure"/> (the execution ends Failed: the step is critical).</summary>
    static Dictionary<string, object> RunCommand(string name, string document, Dictionary<string, object> parameters, string next, string onFailure, int timeoutSeconds) => new()
    {
        ["name"] = name,
        ["action"] = "aws:runCommand",
        ["isCritical"] = true,
        ["onFailure"] = "step:" + onFailure,
        ["timeoutSeconds"] = timeoutSeconds,
        ["inputs"] = new Dictionary<string, object>
        {
            ["DocumentName"] = document,
            ["InstanceIds"] = new[] { "{{DescribeContainerInstance.InstanceId}}" },
            ["Parameters"] = parameters,
        },
        ["nextStep"] = next,
    };

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

    /// <summary>A reference to a runbook parameter in a step's input.</summary>
    static string Ref(string parameter) => "{{" + parameter + "}}";

    /// <summary>The first output line of the evidence command for <paramref name="verdict"/>, with its newline.</summary>
    static string Verdict(string verdict) => EfsEvidenceVerdicts.LinePrefix + verdict + "\n";

    static Dictionary<string, object> Output(string name, string selector, string type) =>
        new() { ["Name"] = name, ["Selector"] = selector, ["Type"] = type };
}
