using System.Text.RegularExpressions;

namespace Remediation.Contracts;

/// <summary>
/// The one rule for a DNS name, wherever one enters: a host taken from event text, the SSM documents'
/// allowedPattern, and hostscripts/hostlib.sh's is_dns_name (held to this rule by a test that feeds both the same
/// names). A name the VPC resolver can answer: dot-separated labels of 1 to 63 letters, digits and hyphens, none
/// starting or ending with a hyphen; at least two labels; a last label that is not all digits (so an IPv4 literal
/// is not a name); at most 253 characters, plus one optional trailing dot (the fully qualified spelling, which
/// getaddrinfo accepts).
/// </summary>
public static partial class DnsNames
{
    /// <summary>
    /// The rule as a regular expression, the same in .NET and Java (SSM's allowedPattern), anchored at its end by
    /// itself: "(?![\s\S])" is the end of the input in both, where "$" also matches before a final newline. A
    /// pattern puts it last, after "^" or a start of its own.
    /// </summary>
    public const string Body =
        @"(?=[A-Za-z0-9.-]{1,253}\.?(?![\s\S]))"
        + "(?:" + Label + @"\.)+(?=[A-Za-z0-9-]*[A-Za-z])" + Label + @"\.?(?![\s\S])";

    const string Label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

    public static bool IsValid(string? name) => name is not null && Rule().IsMatch(name);

    [GeneratedRegex("^" + Body, RegexOptions.CultureInvariant)]
    private static partial Regex Rule();
}
