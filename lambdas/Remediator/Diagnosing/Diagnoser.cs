using System.Buffers;
using System.Text.RegularExpressions;
using Remediation.Contracts;
using Remediator.Events;

namespace Remediator.Diagnosing;

/// <summary>
/// The diagnose step: finds candidates, stops where the ECS volume plugin failed to mount a volume (or efs-utils
/// failed to resolve the EFS name), in a stopped task's reasons (the task's stoppedReason, then every container's
/// reason).
/// </summary>
/// <remarks>
/// A candidate is recognised by the structure that ecs-init, Docker and the ECS agent give the error, not by what
/// mount said: since efs-utils 2.0 the mount goes through efs-proxy and says "Connection reset by peer", and past
/// Docker's 2-minute deadline on the plugin call it says nothing of the mount at all. Text names a candidate; it
/// gives no verdict: evidence on the container instance decides (the runbook gathers it).
/// The ECS agent collapses the task reason's whitespace and cuts every reason at 1024 bytes, possibly inside the
/// host name: the host is reported only when the text shows where it ends (the ':' after it from mount.nfs4, the
/// closing quote from efs-utils) and it is a valid DNS name.
/// </remarks>
public static partial class Diagnoser
{
    /// <summary>Most stops hold none of these: one vectorised search before any regex.</summary>
    static readonly SearchValues<string> Markers = SearchValues.Create([.. CandidateMarkers.All], StringComparison.Ordinal);

    public static Diagnosis Diagnose(StoppedTask task)
    {
        Diagnosis? candidate = null;
        bool otherDns = false, serverAnswered = false;
        foreach (var reason in task.Reasons())
        {
            var found = Diagnose(reason);
            if (found.IsCandidate)
            {
                if (found.Host is not null) return found;
                candidate ??= found;
            }
            otherDns |= found.OtherDnsFailure;
            serverAnswered |= found.ServerAnswered;
        }
        return candidate ?? Diagnosis.None with { OtherDnsFailure = otherDns, ServerAnswered = serverAnswered };
    }

    public static Diagnosis Diagnose(string reason)
    {
        if (!reason.AsSpan().ContainsAny(Markers))
            return OtherOrNone(reason);

        var plugin = EcsVolumePlugin().IsMatch(reason);
        if (ServerAnswered().IsMatch(reason) && (plugin || EfsWording().IsMatch(reason)))
            return Diagnosis.None with { ServerAnswered = true };

        var match = MountResolve().Match(reason);
        if (match.Success)
            return Found(SignatureForm.MountResolve, match);

        match = EfsUtilsResolve().Match(reason);
        if (match.Success)
            return Found(SignatureForm.EfsUtilsResolve, match);

        if (!plugin)
            return OtherOrNone(reason);

        if (PluginTimeout().IsMatch(reason))
            return Candidate(SignatureForm.PluginTimeout);

        match = Tunnel().Match(reason);
        if (match.Success)
            return Candidate(SignatureForm.Tunnel, match.Groups["id"].Success ? match.Groups["id"].Value : null);

        if (MountTemporaryFailure().IsMatch(reason))
            return Candidate(SignatureForm.MountTemporaryFailure);

        return Candidate(reason.Contains("mount.nfs", StringComparison.Ordinal) ? SignatureForm.ProxyConnection : SignatureForm.EfsMount);
    }

    static Diagnosis Candidate(SignatureForm form, string? fileSystemId = null) =>
        new(DiagnosisKind.EfsMountFailure, form, null, fileSystemId);

    static Diagnosis OtherOrNone(string reason) =>
        OtherDns().IsMatch(reason) ? Diagnosis.None with { OtherDnsFailure = true } : Diagnosis.None;

    static Diagnosis Found(SignatureForm form, Match match)
    {
        var host = match.Groups["end"].Success ? match.Groups["host"].Value : null;
        if (!DnsName.IsValid(host)) host = null;
        return new Diagnosis(DiagnosisKind.EfsMountFailure, form, host,
            host is null ? null : DnsName.EfsFileSystemId(host));
    }

    // The ECS volume plugin named by what its parts print: ecs-init's wrapper of mount's stderr, "mounting volume
    // failed: " (ecs_volume_driver.go), inside "failed to mount volume <name>: " since ecs-init 1.80
    // (ecs_volume_plugin.go) and after Docker's method name (moby pkg/plugins/errors.go); its socket in the URL of
    // Docker's timed-out call before moby 24.0.5 ("%2F" is the escaped '/' before it: Docker's "plugin
    // \"amazon-ecs-volume-plugin\" not found" means the mount never ran); its mount root in moby's "error while
    // mounting volume '<path>'" (daemon/volume/mounts/mounts.go). Another plugin shows none of these.
    [GeneratedRegex(@"VolumeDriver\.(?:Create|Mount): (?:failed to mount volume [^\s:]+: )?mounting volume failed|%2Famazon-ecs-volume-plugin|error while mounting volume '/var/lib/ecs/volumes/", RegexOptions.CultureInvariant)]
    private static partial Regex EcsVolumePlugin();

    // Docker abandons a volume plugin call after 2 minutes (moby daemon/volume/drivers/proxy.go, longTimeout):
    // Go's url.Error, 'Post "http://<socket or plugin.moby.localhost>/VolumeDriver.Mount": context deadline exceeded'.
    [GeneratedRegex(@"/VolumeDriver\.(?:Create|Mount)""?: context deadline exceeded", RegexOptions.CultureInvariant)]
    private static partial Regex PluginTimeout();

    // nfs-utils >= 1.3.4 retries a temporary lookup failure (EAI_AGAIN) for its retry time, then prints
    // strerror(EAGAIN) with no name (utils/mount/stropts.c, nfs_try_mount; run here with nfs-utils 2.6.2).
    [GeneratedRegex(@"mount\.nfs4?: Resource temporarily unavailable", RegexOptions.CultureInvariant)]
    private static partial Regex MountTemporaryFailure();

    // mount.nfs4 inside the task network namespace, as the ECS volume plugin reports it:
    // "... mounting volume failed: ... mount.nfs4: Failed to resolve server <host>: <getaddrinfo message>".
    // The host ends at ':' (then the message); a cut reason may stop anywhere after "server ".
    [GeneratedRegex(@"mount\.nfs4?: Failed to resolve server (?<host>[^\s:'""\\]*)(?<end>:)?", RegexOptions.CultureInvariant)]
    private static partial Regex MountResolve();

    // efs-utils (mount.efs; on Fargate "ResourceInitializationError: failed to invoke EFS utils commands"):
    // 'Failed to resolve "<host>" - check that your file system ID is correct ...' (src/mount_efs/dns_resolver.py).
    [GeneratedRegex(@"Failed to resolve \\?""(?<host>[^""\\\s]*)(?<end>\\?"")?", RegexOptions.CultureInvariant)]
    private static partial Regex EfsUtilsResolve();

    // efs-utils' test_tunnel_process: "Failed to initialize TLS tunnel for <fs-id>" before 2.0,
    // "Failed to initialize tunnel for <fs-id>" since (stunnel or efs-proxy exited during the mount).
    [GeneratedRegex(@"Failed to initialize (?:TLS )?tunnel for (?:(?<id>fs-[0-9a-f]{8,17})\b)?", RegexOptions.CultureInvariant)]
    private static partial Regex Tunnel();

    // Words of efs-utils and its helpers (with mount.efs's retry line from src/efs_utils_common/mount_utils.py):
    // where no ECS volume plugin is named (Fargate's efs-utils form), they make a server's answer the EFS mount's.
    [GeneratedRegex(@"mount\.nfs|mount\.efs|efs-proxy|efs-utils|stunnel|tunnel for fs-|Mount attempt [0-9]+/[0-9]+ failed", RegexOptions.CultureInvariant)]
    private static partial Regex EfsWording();

    // The server answered, so its name resolved: mount.nfs4's "access denied by server", "reason given by
    // server", and permission errors (IAM authorization, access points).
    [GeneratedRegex(@"access denied by server|reason given by server|[Pp]ermission denied|Operation not permitted", RegexOptions.CultureInvariant)]
    private static partial Regex ServerAnswered();

    // DNS failures that are not the EFS mount's: Go's resolver ("lookup <name> on 127.0.0.1:53: ..."),
    // getaddrinfo words in another context. Recognised only to say why they are left alone.
    [GeneratedRegex(@"lookup \S+ on \S+:53|no such host|Temporary failure in name resolution|Name or service not known|server misbehaving", RegexOptions.CultureInvariant)]
    private static partial Regex OtherDns();
}
