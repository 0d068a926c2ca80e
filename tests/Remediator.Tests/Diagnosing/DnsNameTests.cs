using Remediator.Diagnosing;

namespace Remediator.Tests.Diagnosing;

public class DnsNameTests
{
    [Theory]
    [InlineData("fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com")]
    [InlineData("a.b")]
    [InlineData("x1.example.com")]
    [InlineData("a.b.com.")]
    public void IsValid_HostNames_AreAccepted(string name) => Assert.True(DnsName.IsValid(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("1.2.3.4")]
    [InlineData("a.-b.com")]
    [InlineData("a.b-.com")]
    [InlineData("a b.com")]
    [InlineData("a.b.com..")]
    [InlineData("a_b.com")]
    public void IsValid_NonNames_AreRejected(string? name) => Assert.False(DnsName.IsValid(name));

    [Fact]
    public void IsValid_LabelOver63Characters_IsRejected()
    {
        Assert.True(DnsName.IsValid(new string('a', 63) + ".com"));
        Assert.False(DnsName.IsValid(new string('a', 64) + ".com"));
    }

    [Fact]
    public void IsValid_NameOver253Characters_IsRejected()
    {
        var label = new string('a', 49);
        var name = "a" + string.Join('.', Enumerable.Repeat(label, 5)) + ".com";
        Assert.Equal(254, name.Length);
        Assert.False(DnsName.IsValid(name));
        Assert.True(DnsName.IsValid(name[2..]));
    }

    [Theory]
    [InlineData("fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com")]
    [InlineData("fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com.")]
    public void EfsFileSystemId_EfsNameWithOrWithoutTheTrailingDot_IsTheId(string host)
    {
        Assert.Equal("fs-0705b30dbe1741990", DnsName.EfsFileSystemId(host));
    }
}
