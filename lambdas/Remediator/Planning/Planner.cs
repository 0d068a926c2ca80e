using System.Text.Json;
using Remediation.Contracts;
using Remediator.Diagnosing;
using Remediator.Events;

namespace Remediator.Planning;

/// <summary>
/// The plan step: decides ignore, notify or remediate for a parsed event, by policy.
/// Pure: the same event and settings always give the same plan.
/// </summary>
public static class Planner
{
    /// <summary>
    /// ECS allows 8,192 characters of RunTask overrides, JSON formatting included (botocore ecs model,
    /// RunTaskRequest.overrides). How ECS counts escapes is not documented: the compact text without needless escapes is assumed.
    /// </summary>
    const int MaxOverridesLength = 8192;

    /// <summary>StartAutomationExecution takes at most 512 characters per parameter value and 50 values per
    /// parameter (botocore ssm model: AutomationParameterValue, AutomationParameterValueList).</summary>
    public const int MaxParameterValueLength = 512;

    const int MaxParameterValues = 50;

    public static Plan Plan(ParseResult parsed, RemediatorSettings settings) => parsed switch
    {
        ParseResult.Ignored ignored => new Plan(Decision.Ignore, Cause.NotAStoppedTask, ignored.Reason,
            Diagnosis.None, [], Execute: false, EventId: ignored.EventId),
        ParseResult.Stopped stopped => Plan(stopped.Task, settings),
        _ => throw new ArgumentOutOfRangeException(nameof(parsed)),
    };

    public static Plan Plan(StoppedTask task, RemediatorSettings settings)
    {
        // In an organization a member account may have its own mode and reschedule: the function and the CLI
        // plan alike because both come here.
        settings = settings.ForAccount(AccountScope.Of(task.ClusterArn)?.Account);
        var diagnosis = Diagnoser.Diagnose(task);
        var observe = settings.Mode == RemediationMode.Observe;

        Plan Decide(Decision decision, Cause cause, string reason, IReadOnlyList<PlannedAction>? actions = null, string? notRescheduled = null)
        {
            var execute = decision != Decision.Ignore && !observe;
            if (observe && decision != Decision.Ignore) reason += " (observe mode: planned, not executed)";
            return new Plan(decision, cause, reason, diagnosis, actions ?? [], execute, task.EventId, task.TaskArn, notRescheduled);
        }

        var cluster = EcsNames.ClusterName(task.ClusterArn);
        if (cluster is null || !EcsNames.IsClusterArn(task.ClusterArn))
            return Decide(Decision.Ignore, Cause.InvalidEventField, "the event has no valid clusterArn");
        if (!settings.IsClusterAllowed(task.ClusterArn!))
            return Decide(Decision.Ignore, Cause.ClusterNotAllowed, $"cluster {task.ClusterArn} is not in the allowlist");

        if (!diagnosis.IsCandidate)
        {
            if (diagnosis.ServerAnswered)
                return Decide(Decision.Ignore, Cause.ServerAnswered,
                    "the EFS mount failed after the server answered (access denied or a permission error): its name resolved, so the local resolver is not the cause");
            return diagnosis.OtherDnsFailure
                ? Decide(Decision.Ignore, Cause.OtherDnsFailure,
                    "a DNS failure outside the EFS mount (an image pull or the application, say): not the failure this tool remediates")
                : Decide(Decision.Ignore, Cause.NoSignature, "the task stopped for another reason: no failed EFS mount in its reasons");
        }

        var what = Describe(diagnosis);

        if (string.Equals(task.LaunchType, "FARGATE", StringComparison.OrdinalIgnoreCase))
            return Decide(Decision.Notify, Cause.Fargate,
                $"{what} on Fargate: there is no container instance to fix; check the file system id, a mount target in the task's Availability Zone, and DNS hostnames in the VPC");

        var ec2 = string.Equals(task.LaunchType, "EC2", StringComparison.OrdinalIgnoreCase)
                  || (task.LaunchType is null && task.ContainerInstanceArn is not null);
        if (!ec2)
            return Decide(Decision.Notify, Cause.NoTaskEni,
                $"{what} on launch type {task.LaunchType ?? "unknown"}: only EC2 container instances have a host fix");

        if (!task.HasEniAttachment)
            return Decide(Decision.Notify, Cause.NoTaskEni,
                $"{what}, but the task has no ENI (bridge or host network mode): the mount ran in the host namespace, where the local resolver answers, so it is not the cause");

        var attempt = AttemptMarker.Parse(task.StartedBy);
        if (attempt >= settings.MaxAttempts)
            return Decide(Decision.Notify, Cause.AttemptLimit,
                $"{what} again after {attempt} reschedule(s) by the Remediator, the limit ({settings.MaxAttempts}); stopping so that a broken host cannot cause an endless loop");

        if (!EcsNames.IsContainerInstanceArn(task.ContainerInstanceArn))
            return Decide(Decision.Notify, Cause.InvalidEventField,
                $"{what}, but the event has no valid containerInstanceArn: cannot tell which container instance to fix");
        if (ContainerInstanceOwner.Foreign(task.ContainerInstanceArn, task.ClusterArn, task.Account, task.Region) is { } foreign)
            return Decide(Decision.Notify, Cause.InvalidEventField, $"{what}, but {foreign}: not acting on a container instance the event does not vouch for");

        var actions = new List<PlannedAction>
        {
            new FixHost(task.ClusterArn!, task.ContainerInstanceArn!, settings.VpcResolver, diagnosis.Host,
                EcsNames.IsTaskDefinitionArn(task.TaskDefinitionArn) ? task.TaskDefinitionArn : null),
        };
        var reason = $"{what} for an awsvpc task on container instance {task.ContainerInstanceArn}: the local resolver may be unreachable from the task network namespace; host fix if the evidence on the container instance shows it at risk and the EFS name resolving through the VPC resolver";

        string? notRescheduled = null;
        if (EcsNames.IsServiceGroup(task.Group))
            reason += "; the service scheduler starts its replacement";
        else if (!settings.Reschedule)
            reason += "; rescheduling is off (no safe capacity provider named)";
        else if (!settings.IsSafeCapacityCluster(task.ClusterArn!))
            notRescheduled = $"not rescheduled: the safe capacity provider {settings.SafeCapacityProvider} is not associated with cluster {task.ClusterArn}, so RunTask would refuse it; the host fix alone";
        else if (!EcsNames.IsTaskArn(task.TaskArn) || !EcsNames.IsTaskDefinitionArn(task.TaskDefinitionArn) || !EcsNames.IsGroup(task.Group))
            notRescheduled = "not rescheduled: the event's taskArn, taskDefinitionArn or group is not valid";
        else if (CarriedOverrides(task.OverridesJson, out var notCarried) is var overrides && notCarried is not null)
            notRescheduled = $"not rescheduled: {notCarried}, so the replacement would not run as the task did; start the task again by hand";
        else
        {
            var reschedule = RescheduleOf(task, attempt, settings, overrides);
            actions.Add(reschedule);
            reason += $", then reschedule onto {reschedule.CapacityProvider} (attempt {reschedule.Attempt} of {settings.MaxAttempts})";
        }
        if (notRescheduled is not null) reason += "; " + notRescheduled;

        return Decide(Decision.Remediate, Cause.LocalResolverUnreachable, reason, actions, notRescheduled);
    }

    /// <summary>What the reason showed, in words for the plan's reason.</summary>
    static string Describe(Diagnosis diagnosis) => diagnosis.Form switch
    {
        SignatureForm.MountResolve or SignatureForm.EfsUtilsResolve => diagnosis.Host is null
            ? "the EFS mount could not resolve its server"
            : $"the EFS mount could not resolve {diagnosis.Host}",
        SignatureForm.Tunnel => $"the EFS mount's tunnel (efs-proxy or stunnel) failed for {diagnosis.FileSystemId ?? "the file system"}",
        SignatureForm.ProxyConnection => "mount.nfs4 could not reach efs-proxy's EFS connection (efs-utils 2.x)",
        SignatureForm.MountTemporaryFailure => "the EFS mount's name lookup failed temporarily until mount.nfs4 gave up",
        SignatureForm.PluginTimeout => "Docker gave up on the ECS volume plugin's mount after 2 minutes",
        _ => "the ECS volume plugin failed to mount an EFS volume",
    };

    static Reschedule RescheduleOf(StoppedTask task, int attempt, RemediatorSettings settings, string? overrides)
    {
        var subnets = task.SubnetId is { } subnet && EcsNames.IsSubnetId(subnet) ? new[] { subnet } : [];
        var next = attempt + 1;
        return new Reschedule(task.ClusterArn!, task.TaskArn!, task.TaskDefinitionArn!, task.Group!,
            AttemptMarker.Format(next), next, settings.SafeCapacityProviderFor(task.ClusterArn!)!, subnets, overrides);
    }

    /// <summary>
    /// The container overrides as the runbook's MapList parameter takes them: one compact JSON object per
    /// container, or null when there are none.
    /// </summary>
    public static IReadOnlyList<string>? ContainerOverrideEntries(string? overridesJson)
    {
        if (overridesJson is null) return null;
        using var document = JsonDocument.Parse(overridesJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("containerOverrides", out var list)
            || list.ValueKind != JsonValueKind.Array)
            return null;
        var entries = list.EnumerateArray()
            .Where(o => o.ValueKind == JsonValueKind.Object)
            .Select(o => o.GetRawText())
            .ToList();
        return entries.Count > 0 ? entries : null;
    }

    /// <summary>
    /// The task's overrides as a reschedule carries them, <c>{"containerOverrides":[...]}</c> in compact JSON (null when
    /// there are none), or in <paramref name="notCarried"/> why they cannot be carried intact: the runbook's RunTask
    /// takes container overrides only (a task role, cpu or memory of the task's own, the other TaskOverride members in
    /// botocore's ecs model, would be lost), and each
    /// container's override must fit in one Automation parameter value.
    /// </summary>
    static string? CarriedOverrides(string? json, out string? notCarried)
    {
        notCarried = null;
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        var entries = new List<string>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("containerOverrides") && property.Value.ValueKind is JsonValueKind.Array)
            {
                foreach (var container in property.Value.EnumerateArray())
                {
                    if (container.ValueKind != JsonValueKind.Object)
                    {
                        notCarried = "a container override is not a JSON object";
                        return null;
                    }
                    entries.Add(Compact(container));
                }
            }
            else if (!IsEmpty(property.Value))
            {
                notCarried = $"the task's {Printable.Truncate(property.Name, 40)} override is not carried by the runbook's RunTask (container overrides only)";
                return null;
            }
        }

        if (entries.Count > MaxParameterValues || entries.Any(e => e.Length > MaxParameterValueLength))
        {
            notCarried = $"a container override is longer than {MaxParameterValueLength} characters (or there are more than {MaxParameterValues}), more than an Automation parameter can carry";
            return null;
        }
        if (entries.Count == 0) return null;
        var carried = $$"""{"containerOverrides":[{{string.Join(',', entries)}}]}""";
        if (carried.Length > MaxOverridesLength)
        {
            notCarried = $"the container overrides pass ECS's {MaxOverridesLength} characters";
            return null;
        }
        return carried;
    }

    static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => true,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        JsonValueKind.String => value.GetString() is "",
        _ => false,
    };

    /// <summary>
    /// Compact JSON that escapes little beyond what JSON requires (quotes, backslashes, control and format characters,
    /// and characters beyond the Basic Multilingual Plane as ASCII escapes): a parameter value's length is then about
    /// the text's own, not six characters for each "é" or "&lt;" as the default encoder writes them. The text never
    /// reaches HTML, where the default's extra escapes matter.
    /// </summary>
    static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            element.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
