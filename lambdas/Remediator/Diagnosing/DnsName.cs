using System.Text.RegularExpressions;

namespace Remediator.Diagnosing;

/// <summary>Validation of names taken from event text, before they may go anywhere.</summary>
public static partial class DnsName
{
    /// <summary>
    /// A host name in the form the VPC resolver can answer: letters, digits and hyphens in dot-separated
    /// labels of 1 to 63 characters, no label starting or ending with a hyphen, 253 characters at most,
    /// at least two labels, and a top-level label that is not all digits (so an IP literal is not a name).
    /// </summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= 253 } && HostName().IsMatch(name);

    /// <summary>The EFS file system id when <paramref name="host"/> is an EFS mount DNS name, else null.</summary>
    public static string? EfsFileSystemId(string host)
    {
        var match = EfsHost().Match(host);
        return match.Success ? match.Groups["id"].Value : null;
    }

    [GeneratedRegex(@"^(?=.{1,253}\z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();

    // fs-<id>.efs.<region>.amazonaws.com[.cn], optionally prefixed by an Availability Zone name.
    [GeneratedRegex(@"^(?:[a-z]{2}(?:-[a-z]+)+-[0-9][a-z]\.)?(?<id>fs-[0-9a-f]{8,17})\.efs\.[a-z]{2}(?:-[a-z]+)+-[0-9]\.amazonaws\.com(?:\.cn)?\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex EfsHost();
}
