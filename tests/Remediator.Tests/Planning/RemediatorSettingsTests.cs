using Remediation.Contracts;
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

        Assert.Equal(RemediationMode.Remediate, settings.Mode);
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
        Assert.True(From((RemediatorEnvironment.SafeCapacityProvider, "safe")).Reschedule);
        Assert.False(From((RemediatorEnvironment.SafeCapacityProvider, "safe"), (RemediatorEnvironment.Reschedule, "false")).Reschedule);
    }

    [Theory]
    [InlineData(RemediatorEnvironment.Mode, "enforce")]
    [InlineData(RemediatorEnvironment.MaxAttempts, "0")]
    [InlineData(RemediatorEnvironment.MaxAttempts, "11")]
    [InlineData(RemediatorEnvironment.MaxAttempts, "-1")]
    [InlineData(RemediatorEnvironment.MaxAttempts, "three")]
    [InlineData(RemediatorEnvironment.VpcResolver, "dns.example.com")]
    [InlineData(RemediatorEnvironment.VpcResolver, "169.254.169")]
    [InlineData(RemediatorEnvironment.VpcResolver, "1.2.3.4; reboot")]
    [InlineData(RemediatorEnvironment.VpcResolver, "fe80::1%eth0")]
    [InlineData(RemediatorEnvironment.VpcResolver, "010.1.1.1")]
    [InlineData(RemediatorEnvironment.VpcResolver, "127.0.0.1")]
    [InlineData(RemediatorEnvironment.VpcResolver, "127.0.0.53")]
    [InlineData(RemediatorEnvironment.VpcResolver, "0.0.0.0")]
    [InlineData(RemediatorEnvironment.VpcResolver, "::1")]
    [InlineData(RemediatorEnvironment.VpcResolver, "::ffff:127.0.0.1")]
    [InlineData(RemediatorEnvironment.AllowedClusters, "prod,bad name")]
    [InlineData(RemediatorEnvironment.SafeCapacityProvider, "safe capacity")]
    [InlineData(RemediatorEnvironment.SafeCapacityProvider, "ecs-safe")]
    [InlineData(RemediatorEnvironment.SafeCapacityProvider, "FargateSafe")]
    [InlineData(RemediatorEnvironment.Reschedule, "yes")]
    [InlineData(RemediatorEnvironment.Reschedule, "true")]
    public void From_BadValue_FailsNamingTheVariable(string key, string value)
    {
        var error = Assert.Throws<SettingsException>(() => From((key, value)));

        Assert.StartsWith(key, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>A bare cluster name means a cluster of the function's own account and Region, so the function must know them.</summary>
    [Fact]
    public void From_AllowlistNameWithoutTheFunctionsAccountAndRegion_FailsNamingWhatIsMissing()
    {
        var error = Assert.Throws<SettingsException>(() => From((RemediatorEnvironment.AllowedClusters, "prod")));

        Assert.StartsWith(RemediatorEnvironment.AllowedClusters, error.Message);
        Assert.Contains(RemediatorEnvironment.Account, error.Message);
        Assert.Contains(RemediatorEnvironment.Region, error.Message);
    }

    [Theory]
    [InlineData(RemediatorEnvironment.Account, "11112222333")]
    [InlineData(RemediatorEnvironment.Account, "11112222333\u0663")]
    [InlineData(RemediatorEnvironment.Region, "us east 1")]
    public void From_BadAccountOrRegion_FailsNamingTheVariable(string key, string value)
    {
        var values = new Dictionary<string, string>
        {
            [RemediatorEnvironment.Account] = "111122223333",
            [RemediatorEnvironment.Region] = "us-east-1",
            [key] = value,
        };

        var error = Assert.Throws<SettingsException>(() => RemediatorSettings.From(values.GetValueOrDefault));

        Assert.StartsWith(key, error.Message);
    }

    [Theory]
    [InlineData("10.0.0.2")]
    [InlineData("fd00:ec2::253")]
    public void From_IpLiteralResolver_IsAccepted(string resolver)
    {
        Assert.Equal(resolver, From((RemediatorEnvironment.VpcResolver, resolver)).VpcResolver);
    }
}
