namespace LocalControlPlane.Ecs;

/// <summary>A task the local ECS started: where it ran, and how it ended (RUNNING, or STOPPED with a reason).</summary>
public sealed record EcsTask
{
    public required string TaskArn { get; init; }

    public required string ClusterArn { get; init; }

    public required string ContainerInstanceArn { get; init; }

    public required string TaskDefinitionArn { get; init; }

    public string Group { get; init; } = "";

    public string StartedBy { get; init; } = "";

    public required string LastStatus { get; init; }

    public string? StoppedReason { get; init; }
}

/// <summary>What the launcher is asked to start: a new task on a container instance.</summary>
public sealed record TaskLaunch
{
    public required string TaskArn { get; init; }

    public required ContainerInstance Instance { get; init; }

    public required string TaskDefinitionArn { get; init; }
}

/// <summary>How a started task came up: RUNNING, or STOPPED with the reason ECS would report.</summary>
public sealed record TaskLaunchResult(string LastStatus, string? StoppedReason);

/// <summary>Starts a task on a container instance; the lab creates a task network namespace and mounts as the volume plugin does.</summary>
public interface ITaskLauncher
{
    Task<TaskLaunchResult> LaunchAsync(TaskLaunch launch, CancellationToken cancellationToken);
}
