using System.Text.RegularExpressions;
using Remediation.Contracts;

namespace Remediator.Diagnosing;

/// <summary>Validation of names taken from event text, before they may go anywhere.</summary>
public static partial class DnsName
{
    /// <summary>Whether <paramref name="name"/> is a DNS name by the one rule (<see cref="DnsNames"/>).</summary>
    public static bool IsValid(string? name) => DnsNames.IsValid(name);

    /// <summary>The EFS file system id when <paramref name="host"/> is an EFS mount DNS name, else null.</summary>
    public static string? EfsFileSystemId(string host)
    {
        var match = EfsHost().Match(host);
        return match.Success ? match.Groups["id"].Value : null;
    }

    // fs-<id>.efs.<region>.amazonaws.com[.cn][.], optionally prefixed by an Availability Zone name.
    [GeneratedRegex(@"^(?:[a-z]{2}(?:-[a-z]+)+-[0-9][a-z]\.)?(?<id>fs-[0-9a-f]{8,17})\.efs\.[a-z]{2}(?:-[a-z]+)+-[0-9]\.amazonaws\.com(?:\.cn)?\.?\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex EfsHost();
}
