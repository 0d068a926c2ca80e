using Remediator.Planning;

namespace Remediator.Tests.Planning;

public class RemediatorSettingsTests
{
    static RemediatorSettings From(params (string Key, string Value)[] values) =>
        RemediatorSettings.From(k => values.FirstOrDefault(v => v.Key == k).Value);

    [Fact]
    public void From_NothingSet_GivesTheDocumentedDefaults()
    {
        var settings = From();

        Assert.Equal(Mode.Remediate, settings.Mode);
        Assert.Empty(settings.AllowedClusters);
        Assert.True(settings.IsClusterAllowed("any"));
        Assert.Equal(3, settings.MaxAttempts);
        Assert.Equal("169.254.169.253", settings.VpcResolver);
        Assert.Null(settings.SafeCapacityProvider);
        Assert.False(settings.Reschedule);
        Assert.Equal(RemediatorSettings.Default, settings with { AllowedClusters = RemediatorSettings.Default.AllowedClusters });
    }

    [Fact]
    public void From_SafeCapacityProviderNamed_TurnsReschedulingOn()
    {
        Assert.True(From((RemediatorSettings.SafeCapacityProviderKey, "safe")).Reschedule);
        Assert.False(From((RemediatorSettings.SafeCapacityProviderKey, "safe"), (RemediatorSettings.RescheduleKey, "false")).Reschedule);
    }

    [Theory]
    [InlineData(RemediatorSettings.ModeKey, "enforce")]
    [InlineData(RemediatorSettings.MaxAttemptsKey, "0")]
    [InlineData(RemediatorSettings.MaxAttemptsKey, "11")]
    [InlineData(RemediatorSettings.MaxAttemptsKey, "-1")]
    [InlineData(RemediatorSettings.MaxAttemptsKey, "three")]
    [InlineData(RemediatorSettings.VpcResolverKey, "dns.example.com")]
    [InlineData(RemediatorSettings.VpcResolverKey, "169.254.169")]
    [InlineData(RemediatorSettings.VpcResolverKey, "1.2.3.4; reboot")]
    [InlineData(RemediatorSettings.VpcResolverKey, "fe80::1%eth0")]
    [InlineData(RemediatorSettings.VpcResolverKey, "010.1.1.1")]
    [InlineData(RemediatorSettings.VpcResolverKey, "127.0.0.1")]
    [InlineData(RemediatorSettings.VpcResolverKey, "127.0.0.53")]
    [InlineData(RemediatorSettings.VpcResolverKey, "0.0.0.0")]
    [InlineData(RemediatorSettings.VpcResolverKey, "::1")]
    [InlineData(RemediatorSettings.VpcResolverKey, "::ffff:127.0.0.1")]
    [InlineData(RemediatorSettings.AllowedClustersKey, "prod,bad name")]
    [InlineData(RemediatorSettings.SafeCapacityProviderKey, "safe capacity")]
    [InlineData(RemediatorSettings.RescheduleKey, "yes")]
    [InlineData(RemediatorSettings.RescheduleKey, "true")]
    public void From_BadValue_FailsNamingTheVariable(string key, string value)
    {
        var error = Assert.Throws<SettingsException>(() => From((key, value)));

        Assert.StartsWith(key, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("10.0.0.2")]
    [InlineData("fd00:ec2::253")]
    public void From_IpLiteralResolver_IsAccepted(string resolver)
    {
        Assert.Equal(resolver, From((RemediatorSettings.VpcResolverKey, resolver)).VpcResolver);
    }
}
