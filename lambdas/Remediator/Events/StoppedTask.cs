namespace Remediator.Events;

/// <summary>
/// The fields of an ECS Task State Change event that the Remediator reads. Every field is
/// optional in the event; missing ones are null here. Values are raw event text: nothing in
/// this record is validated, so nothing in it may reach an action before the planner checks it.
/// </summary>
public sealed record StoppedTask
{
    public required string EventId { get; init; }
    public string? Region { get; init; }
    public string? Account { get; init; }
    public string? ClusterArn { get; init; }
    public string? TaskArn { get; init; }
    public string? TaskDefinitionArn { get; init; }
    public string? ContainerInstanceArn { get; init; }
    public string? LaunchType { get; init; }
    public string? Group { get; init; }
    public string? StartedBy { get; init; }
    public string? StoppedReason { get; init; }
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];
    public IReadOnlyList<ContainerReason> Containers { get; init; } = [];

    /// <summary>The task's overrides object as the event's text carries it (well-formed: the parser read it), or null.</summary>
    public string? OverridesJson { get; init; }

    /// <summary>True when the task ran with a task ENI (awsvpc network mode).</summary>
    public bool HasEniAttachment =>
        Attachments.Any(a => string.Equals(a.Type, "eni", StringComparison.OrdinalIgnoreCase)
                          || string.Equals(a.Type, "ElasticNetworkInterface", StringComparison.OrdinalIgnoreCase));

    /// <summary>The subnet of the task ENI, as the event states it (unvalidated).</summary>
    public string? SubnetId => Attachments.SelectMany(a => a.Details)
        .FirstOrDefault(d => d.Key == "subnetId").Value;

    /// <summary>Every reason text the event carries: the task's, then each container's.</summary>
    public IEnumerable<string> Reasons()
    {
        if (!string.IsNullOrEmpty(StoppedReason)) yield return StoppedReason;
        foreach (var container in Containers)
            if (!string.IsNullOrEmpty(container.Reason)) yield return container.Reason;
    }
}

public sealed record Attachment(string? Type, IReadOnlyList<KeyValuePair<string, string>> Details);

public sealed record ContainerReason(string? Name, string? Reason);
