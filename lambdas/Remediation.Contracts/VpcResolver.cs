namespace Remediation.Contracts;

/// <summary>The VPC resolver: the address the host fix puts within the first three nameservers.</summary>
public static class VpcResolver
{
    /// <summary>
    /// AWS's documented Route 53 Resolver address, reachable from every VPC (the base+2 address works too, but
    /// depends on the VPC's CIDR). hostscripts/resolv-fix.sh and efs-evidence.sh carry the same default.
    /// </summary>
    public const string Default = "169.254.169.253";
}
