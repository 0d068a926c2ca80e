using System.Text.RegularExpressions;
using Remediator.Events;

namespace Remediator.Diagnosing;

/// <summary>
/// The diagnose step: finds candidates, stops where the ECS volume plugin (or efs-utils) failed to mount an
/// EFS volume, in a stopped task's reasons (the task's stoppedReason, then every container's reason).
/// </summary>
/// <remarks>
/// Text names a candidate; it gives no verdict. Since efs-utils 2.0 the mount goes through efs-proxy and the
/// reason says "Connection reset by peer" or "Failed to initialize tunnel", not that a lookup failed, and
/// that wording is documented nowhere. Evidence on the container instance decides (the runbook gathers it).
/// The ECS agent collapses whitespace and cuts a reason at 1024 bytes, possibly inside the host name: the
/// host is reported only when the text shows where it ends (the ':' after it from mount.nfs4, the closing
/// quote from efs-utils) and it is a valid DNS name.
/// </remarks>
public static partial class Diagnoser
{
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
        // The ECS volume plugin's failure as Docker reports it; Fargate's EFS errors are candidates only in the
        // legacy wording (its efs-proxy forms would be notified anyway: there is no host to fix).
        var mount = reason.Contains("VolumeDriver.Create", StringComparison.Ordinal);
        // Most stops carry neither words; a plain search is cheaper than the regexes.
        if (!mount && !reason.Contains("Failed to resolve", StringComparison.Ordinal))
            return OtherOrNone(reason);

        if (ServerAnswered().IsMatch(reason) && EfsWording().IsMatch(reason))
            return Diagnosis.None with { ServerAnswered = true };

        var match = MountResolve().Match(reason);
        if (match.Success)
            return Found(SignatureForm.MountResolve, match);

        match = EfsUtilsResolve().Match(reason);
        if (match.Success)
            return Found(SignatureForm.EfsUtilsResolve, match);

        if (!mount)
            return OtherOrNone(reason);

        match = Tunnel().Match(reason);
        if (match.Success)
            return new Diagnosis(DiagnosisKind.EfsMountFailure, SignatureForm.Tunnel, null,
                match.Groups["id"].Success ? match.Groups["id"].Value : null);

        if (reason.Contains("mount.nfs", StringComparison.Ordinal))
            return new Diagnosis(DiagnosisKind.EfsMountFailure, SignatureForm.ProxyConnection, null, null);

        return EfsWording().IsMatch(reason)
            ? new Diagnosis(DiagnosisKind.EfsMountFailure, SignatureForm.EfsMount, null, null)
            : OtherOrNone(reason);
    }

    static Diagnosis OtherOrNone(string reason) =>
        OtherDns().IsMatch(reason) ? Diagnosis.None with { OtherDnsFailure = true } : Diagnosis.None;

    static Diagnosis Found(SignatureForm form, Match match)
    {
        var host = match.Groups["end"].Success ? match.Groups["host"].Value : null;
        if (!DnsName.IsValid(host)) host = null;
        return new Diagnosis(DiagnosisKind.EfsMountFailure, form, host,
            host is null ? null : DnsName.EfsFileSystemId(host));
    }

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

    // Words of efs-utils and its helpers in a volume plugin's error (with mount.efs's retry line from
    // src/efs_utils_common/mount_utils.py); other Docker volume plugins have none.
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
