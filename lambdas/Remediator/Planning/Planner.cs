using System.Text.Json;
using Remediator.Diagnosing;
using Remediator.Events;

namespace Remediator.Planning;

/// <summary>
/// The plan step: decides ignore, notify or remediate for a parsed event, by policy.
/// Pure: the same event and settings always give the same plan.
/// </summary>
public static class Planner
{
    /// <summary>ECS caps RunTask overrides at 8 KiB; larger text cannot be a real task's overrides.</summary>
    const int MaxOverridesLength = 8192;

    public static Plan Plan(ParseResult parsed, RemediatorSettings settings) => parsed switch
    {
        ParseResult.Ignored ignored => new Plan(Decision.Ignore, Cause.NotAStoppedTask, ignored.Reason,
            Diagnosis.None, [], Execute: false, EventId: ignored.EventId),
        ParseResult.Stopped stopped => Plan(stopped.Task, settings),
        _ => throw new ArgumentOutOfRangeException(nameof(parsed)),
    };

    public static Plan Plan(StoppedTask task, RemediatorSettings settings)
    {
        var diagnosis = Diagnoser.Diagnose(task);
        var observe = settings.Mode == Mode.Observe;

        Plan Decide(Decision decision, Cause cause, string reason, IReadOnlyList<PlannedAction>? actions = null)
        {
            var execute = decision != Decision.Ignore && !observe;
            if (observe && decision != Decision.Ignore) reason += " (observe mode: planned, not executed)";
            return new Plan(decision, cause, reason, diagnosis, actions ?? [], execute, task.EventId, task.TaskArn, task.Version);
        }

        var cluster = EcsNames.ClusterName(task.ClusterArn);
        if (cluster is null || !EcsNames.IsClusterArn(task.ClusterArn))
            return Decide(Decision.Ignore, Cause.InvalidEventField, "the event has no valid clusterArn");
        if (!settings.IsClusterAllowed(cluster))
            return Decide(Decision.Ignore, Cause.ClusterNotAllowed, $"cluster {cluster} is not in the allowlist");

        if (!diagnosis.IsDnsResolutionFailure)
            return diagnosis.OtherDnsFailure
                ? Decide(Decision.Ignore, Cause.OtherDnsFailure,
                    "a DNS failure outside the EFS mount (an image pull or the application, say): not the failure this tool remediates")
                : Decide(Decision.Ignore, Cause.NoSignature, "the task stopped for another reason: no EFS mount DNS-resolution failure in its reasons");

        var what = diagnosis.Host is null ? "the EFS mount could not resolve its server" : $"the EFS mount could not resolve {diagnosis.Host}";

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
                $"{what}, but the task has no ENI (bridge or host network mode): the mount ran in the host namespace, where the local resolver answers, so the name itself does not resolve");

        if (diagnosis.Form == SignatureForm.EfsUtils)
            return Decide(Decision.Notify, Cause.NameUnresolvableFromHost,
                $"{what} already in efs-utils, which resolves from the container instance's own namespace: the name does not resolve at all (no mount target in the Availability Zone, DNS hostnames disabled, or a wrong file system id); a host fix cannot help");

        var attempt = EcsNames.Attempt(task.StartedBy);
        if (attempt >= settings.MaxAttempts)
            return Decide(Decision.Notify, Cause.AttemptLimit,
                $"{what} again after {attempt} reschedule(s) by the Remediator, the limit ({settings.MaxAttempts}); stopping so that a broken host cannot cause an endless loop");

        if (!EcsNames.IsContainerInstanceArn(task.ContainerInstanceArn))
            return Decide(Decision.Notify, Cause.InvalidEventField,
                $"{what}, but the event has no valid containerInstanceArn: cannot tell which container instance to fix");
        if (EcsNames.ForeignContainerInstance(task.ContainerInstanceArn, task.ClusterArn, task.Account, task.Region) is { } foreign)
            return Decide(Decision.Notify, Cause.InvalidEventField, $"{what}, but {foreign}: not acting on a container instance the event does not vouch for");

        var actions = new List<PlannedAction>
        {
            new FixHost(task.ClusterArn!, task.ContainerInstanceArn!, settings.VpcResolver, diagnosis.Host),
        };
        var reason = $"{what} in the task network namespace of an awsvpc task on container instance {task.ContainerInstanceArn}: its local resolver is unreachable there; host fix";

        if (EcsNames.IsServiceGroup(task.Group))
            reason += "; the service scheduler starts its replacement";
        else if (!settings.Reschedule)
            reason += "; rescheduling is off (no safe capacity provider named)";
        else if (RescheduleOf(task, attempt, settings) is { } reschedule)
        {
            actions.Add(reschedule);
            reason += $", then reschedule onto {settings.SafeCapacityProvider} (attempt {reschedule.Attempt} of {settings.MaxAttempts})";
        }
        else
            reason += "; not rescheduled: the event's taskArn, taskDefinitionArn or group is not valid";

        return Decide(Decision.Remediate, Cause.LocalResolverUnreachable, reason, actions);
    }

    static Reschedule? RescheduleOf(StoppedTask task, int attempt, RemediatorSettings settings)
    {
        if (!EcsNames.IsTaskArn(task.TaskArn) || !EcsNames.IsTaskDefinitionArn(task.TaskDefinitionArn) || !EcsNames.IsGroup(task.Group))
            return null;
        var subnets = task.SubnetId is { } subnet && EcsNames.IsSubnetId(subnet) ? new[] { subnet } : [];
        var overrides = CanonicalOverrides(task.OverridesJson);
        var next = attempt + 1;
        return new Reschedule(task.ClusterArn!, task.TaskArn!, task.TaskDefinitionArn!, task.Group!,
            EcsNames.AttemptMarker(next), next, settings.SafeCapacityProvider!, subnets, overrides);
    }

    /// <summary>The overrides re-serialized compactly, or null when absent, empty or too large to be real.</summary>
    static string? CanonicalOverrides(string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        var compact = JsonSerializer.Serialize(document.RootElement, PlanJsonContext.Default.JsonElement);
        return compact.Length is > 2 and <= MaxOverridesLength ? compact : null;
    }
}
