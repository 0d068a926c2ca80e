using Remediation.Contracts;

namespace Remediator.Tests.Contracts;

/// <summary>The one resolver-address rule (unicast only), the same cases resolv-fix.sh is tested with.</summary>
public sealed class IpLiteralTests
{
    [Theory]
    [InlineData("169.254.169.253")]
    [InlineData("10.0.0.2")]
    [InlineData("1.0.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("fd00:ec2::253")]
    [InlineData("2001:db8::1")]
    [InlineData("FD00:EC2:0:0:0:0:0:253")]
    [InlineData("fec0::1")]
    public void IsValid_UnicastLiteral_True(string value)
    {
        Assert.True(IpLiteral.IsValid(value));
    }

    [Theory]
    [InlineData("0.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.53")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("010.0.0.2")]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.2\n")]
    [InlineData("10.0.0.\u0662")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("0:0:0:0:0:0:0:1")]
    [InlineData("ff02::1")]
    [InlineData("fe80::1")]
    [InlineData("febf::1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:1.2.3.4")]
    [InlineData("::ffff:7f00:1")]
    [InlineData("::ffff:a00:2")]
    [InlineData("0:0:0:0:0:FFFF:a9fe:a9fd")]
    [InlineData("::ffff:0:0")]
    [InlineData("1::2::3")]
    [InlineData("[2001:db8::1]")]
    [InlineData("2001:db8::1\n")]
    [InlineData("")]
    [InlineData(null)]
    public void IsValid_NotAUnicastLiteral_False(string? value)
    {
        Assert.False(IpLiteral.IsValid(value));
    }
}
