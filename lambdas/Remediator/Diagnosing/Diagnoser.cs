using System.Text.RegularExpressions;
using Remediator.Events;

namespace Remediator.Diagnosing;

/// <summary>
/// The diagnose step: finds the EFS mount's DNS-resolution signature in a stopped task's reasons
/// (the task's stoppedReason, then every container's reason).
/// </summary>
/// <remarks>
/// The ECS agent collapses whitespace and cuts a reason at 1024 bytes, possibly inside the host
/// name. The failure is still recognised from its fixed words; the host is reported only when the
/// text shows where it ends (the ':' after it from mount.nfs4, the closing quote from efs-utils)
/// and it is a valid DNS name.
/// </remarks>
public static partial class Diagnoser
{
    public static Diagnosis Diagnose(StoppedTask task)
    {
        Diagnosis? partial = null;
        var otherDns = false;
        foreach (var reason in task.Reasons())
        {
            var found = Diagnose(reason);
            if (found.IsDnsResolutionFailure)
            {
                if (found.Host is not null) return found;
                partial ??= found;
            }
            otherDns |= found.OtherDnsFailure;
        }
        return partial ?? (otherDns ? Diagnosis.None with { OtherDnsFailure = true } : Diagnosis.None);
    }

    public static Diagnosis Diagnose(string reason)
    {
        // Both signatures contain these words; most stops do not, and a plain search is cheaper than two regexes.
        if (!reason.Contains("Failed to resolve", StringComparison.Ordinal))
            return OtherDns().IsMatch(reason) ? Diagnosis.None with { OtherDnsFailure = true } : Diagnosis.None;

        var match = VolumePlugin().Match(reason);
        if (match.Success)
            return Found(SignatureForm.VolumePlugin, match);

        match = EfsUtils().Match(reason);
        if (match.Success)
            return Found(SignatureForm.EfsUtils, match);

        return OtherDns().IsMatch(reason) ? Diagnosis.None with { OtherDnsFailure = true } : Diagnosis.None;
    }

    static Diagnosis Found(SignatureForm form, Match match)
    {
        var host = match.Groups["end"].Success ? match.Groups["host"].Value : null;
        if (!DnsName.IsValid(host)) host = null;
        return new Diagnosis(DiagnosisKind.DnsResolutionFailure, form, host,
            host is null ? null : DnsName.EfsFileSystemId(host));
    }

    // mount.nfs4 inside the task network namespace, as the ECS volume plugin reports it:
    // "... mounting volume failed: ... mount.nfs4: Failed to resolve server <host>: <getaddrinfo message>".
    // The host ends at ':' (then the message); a cut reason may stop anywhere after "server ".
    [GeneratedRegex(@"mount\.nfs4?: Failed to resolve server (?<host>[^\s:'""\\]*)(?<end>:)?", RegexOptions.CultureInvariant)]
    private static partial Regex VolumePlugin();

    // efs-utils (mount.efs; on Fargate "ResourceInitializationError: failed to invoke EFS utils commands"):
    // 'Failed to resolve "<host>" - check that your file system ID is correct ...'.
    [GeneratedRegex(@"Failed to resolve \\?""(?<host>[^""\\\s]*)(?<end>\\?"")?", RegexOptions.CultureInvariant)]
    private static partial Regex EfsUtils();

    // DNS failures that are not the EFS mount's: Go's resolver ("lookup <name> on 127.0.0.1:53: ..."),
    // getaddrinfo words in another context. Recognised only to say why they are left alone.
    [GeneratedRegex(@"lookup \S+ on \S+:53|no such host|Temporary failure in name resolution|Name or service not known|server misbehaving", RegexOptions.CultureInvariant)]
    private static partial Regex OtherDns();
}
