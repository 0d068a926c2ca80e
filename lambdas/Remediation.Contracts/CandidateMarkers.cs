namespace Remediation.Contracts;

/// <summary>
/// Text of which every candidate reason holds at least one piece: the EventBridge rule delivers a stopped task
/// whose reason holds one (as a "*piece*" wildcard, case-sensitive like the text itself), and the Remediator's
/// diagnosis reads no further in a reason that holds none. One list, so that the rule cannot miss what the
/// diagnosis would call a candidate.
/// </summary>
/// <remarks>
/// Each piece is written by a part of the container instance, cited from its source:
/// Docker's volume plugin methods (moby daemon/volume/drivers/proxy.go: "VolumeDriver.Create" before ecs-init 1.80
/// mounted in Create, "VolumeDriver.Mount" since, amazon-ecs-agent PR #4053); the ECS volume plugin's socket
/// (amazon-ecs-agent ecs-init/volumes/amazon-ecs-volume-plugin/plugin.go), in the URL of Docker's timed-out call
/// before moby 24.0.5; its mount root (ecs-init/volumes/ecs_volume_plugin.go, VolumeMountPathPrefix), in moby's
/// "error while mounting volume '...'" (daemon/volume/mounts/mounts.go), the only name of the plugin in Docker's
/// timeout since moby 24.0.5 (pkg/plugins/client.go, dummyHost); and mount.nfs4's and efs-utils' resolve failures,
/// which Fargate's efs-utils form shares.
/// </remarks>
public static class CandidateMarkers
{
    public static readonly IReadOnlyList<string> All =
    [
        "VolumeDriver.Create",
        "VolumeDriver.Mount",
        "amazon-ecs-volume-plugin",
        "/var/lib/ecs/volumes/",
        "Failed to resolve",
    ];
}
