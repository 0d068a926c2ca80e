using System.Net;
using System.Net.Sockets;

namespace Remediator.Planning;

/// <summary>The only form a resolver address may take wherever it goes to a host: an IP literal.</summary>
public static class IpLiteral
{
    /// <summary>A literal IPv4 address in dotted-quad form, or an IPv6 address without a zone id.</summary>
    public static bool IsValid(string? value) =>
        value is not null && !value.Contains('%') && IPAddress.TryParse(value, out var address) && address.AddressFamily switch
        {
            AddressFamily.InterNetwork => value.Count(c => c == '.') == 3,
            AddressFamily.InterNetworkV6 => true,
            _ => false,
        };
}
