using System.Net;
using System.Net.Sockets;

namespace Remediation.Contracts;

/// <summary>
/// The one rule for a VPC resolver address, wherever it enters: the function's settings, the fleet command,
/// and the CDK app's configuration. It is the rule hostscripts/resolv-fix.sh applies,
/// so a value accepted here is never refused on the host.
/// </summary>
public static class IpLiteral
{
    /// <summary>
    /// A unicast IP literal in canonical text. IPv4: four decimal octets 0-255 in ASCII digits without leading
    /// zeros (inet_aton reads 010 as octal), not in 0.0.0.0/8, 127.0.0.0/8 (loopback: the very thing we
    /// escape), 224.0.0.0/4 (multicast) or 240.0.0.0/4 (reserved, with 255.255.255.255). IPv6: hex groups and at
    /// most one "::", no dotted IPv4 tail and no zone (resolv.conf cannot carry one portably), not :: , ::1,
    /// ff00::/8 (multicast), fe80::/10 (link-local, which needs a zone) or ::ffff:0:0/96 (an IPv4-mapped address
    /// is IPv4 in disguise: glibc connects to 127.0.0.1 for ::ffff:7f00:1). 169.254.169.253 is fine: it is AWS's
    /// documented resolver address, link-local or not.
    /// </summary>
    public static bool IsValid(string? value)
    {
        if (value is null) return false;
        if (value.Contains('.')) return IsUnicastIpv4(value);
        if (value.Length == 0 || !value.All(c => char.IsAsciiHexDigit(c) || c == ':')) return false;
        if (value.IndexOf("::", StringComparison.Ordinal) != value.LastIndexOf("::", StringComparison.Ordinal)) return false;
        if (!IPAddress.TryParse(value, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        return !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback)
            && !address.IsIPv6Multicast && !address.IsIPv6LinkLocal && !address.IsIPv4MappedToIPv6;
    }

    static bool IsUnicastIpv4(string value)
    {
        var parts = value.Split('.');
        if (parts.Length != 4) return false;
        var octets = new int[4];
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is < 1 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')) return false;
            octets[i] = int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
            if (octets[i] > 255) return false;
        }
        return octets[0] is not (0 or 127) and < 224;
    }
}
