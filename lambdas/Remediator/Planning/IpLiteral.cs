using System.Net;
using System.Net.Sockets;

namespace Remediator.Planning;

/// <summary>
/// The one rule for a VPC resolver address, wherever it enters: the function's settings, the fleet command,
/// and the CDK app's configuration (infra links this file). It is the rule hostscripts/resolv-fix.sh applies,
/// so a value accepted here is never refused on the host.
/// </summary>
public static class IpLiteral
{
    /// <summary>
    /// A literal IPv4 dotted quad without leading zeros (".NET and inet_aton read 010 as octal"), or an IPv6
    /// address without a zone id; not a loopback or unspecified address (those cannot be the VPC resolver).
    /// </summary>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Contains('%') || !IPAddress.TryParse(value, out var address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork && !IsPlainDottedQuad(value)) return false;
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return !IPAddress.IsLoopback(address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any);
    }

    static bool IsPlainDottedQuad(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0'));
    }
}
