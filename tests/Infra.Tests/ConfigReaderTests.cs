using Infra.Configuration;
using Remediation.Contracts;

namespace Infra.Tests;

public class ConfigReaderTests
{
    static RemediationConfig Read(params (string Key, object Value)[] context)
    {
        var values = context.ToDictionary(c => ConfigReader.Prefix + c.Key, c => c.Value);
        return ConfigReader.Read(key => values.TryGetValue(key, out var v) ? v : null, values.Keys);
    }

    [Fact]
    public void Read_NoContext_ReturnsDefaults()
    {
        var config = Read();

        Assert.All(Settings.All.Where(s => s.Key is not null), s => Assert.Equal(s.Default, config.Text(s)));
        Assert.All(new[] { config.SubnetIds, config.TaskSecurityGroupIds, config.AllowedClusters, config.ExistingCapacityProviders, config.TaskDefinitionFamilies, config.TaskRoleArns }, Assert.Empty);
        Assert.True(config.CreatesCluster);
        Assert.True(config.CreatesVpc);
        Assert.Equal(ProactiveAction.Check, config.ProactiveAction);
        Assert.Equal("rate(30 minutes)", config.ProactiveSchedule);
    }

    [Fact]
    public void Read_ExistingClusterAndVpc_ReadsListsFromTextAndJsonArrays()
    {
        var config = Read(
            ("cluster", "prod"),
            ("vpcId", "vpc-0123456789abcdef0"),
            ("subnetIds", "subnet-0123456789abcdef0, subnet-0123456789abcdef1"),
            ("taskSecurityGroupIds", new object[] { "sg-0123456789abcdef0" }),
            ("existingCapacityProviders", "spot,ondemand"),
            ("existingDefaultStrategy", "ondemand:1:2,spot:3"),
            ("maxAttempts", 5.0),
            ("reschedule", false),
            ("mode", "observe"));

        Assert.Equal("prod", config.EffectiveClusterName);
        Assert.Equal(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], config.SubnetIds);
        Assert.Equal(["sg-0123456789abcdef0"], config.TaskSecurityGroupIds);
        Assert.Equal(["spot", "ondemand"], config.ExistingCapacityProviders);
        Assert.Equal([new StrategyItem("ondemand", 1, 2), new StrategyItem("spot", 3, 0)], config.ExistingDefaultStrategy);
        Assert.Equal(5, config.MaxAttempts);
        Assert.False(config.Reschedule);
        Assert.Equal(RemediationMode.Observe, config.Mode);
    }

    [Theory]
    [InlineData("mode", "fix", "remediation:mode", "\"observe\" or \"remediate\"")]
    [InlineData("vpcResolver", "169.254.169", "remediation:vpcResolver", "IPv4 or IPv6 address")]
    [InlineData("vpcResolver", "fe80::1%eth0", "remediation:vpcResolver", "IPv4 or IPv6 address")]
    [InlineData("vpcResolver", "127.0.0.1", "remediation:vpcResolver", "not loopback")]
    [InlineData("vpcResolver", "010.1.1.1", "remediation:vpcResolver", "IPv4 or IPv6 address")]
    [InlineData("maxAttempts", "11", "remediation:maxAttempts", "a whole number from 1 to 10")]
    [InlineData("maxAttempts", "-1", "remediation:maxAttempts", "a whole number from 1 to 10")]
    [InlineData("reschedule", "yes", "remediation:reschedule", "\"true\" or \"false\"")]
    [InlineData("allowedClusters", "prod,bad name", "remediation:allowedClusters", "cluster names")]
    [InlineData("notificationEmail", "ops", "remediation:notificationEmail", "an e-mail address")]
    [InlineData("safeCapacityProviderName", "ecs-safe", "remediation:safeCapacityProviderName", "not starting with aws, ecs or fargate")]
    [InlineData("safeCapacityInstanceType", "big", "remediation:safeCapacityInstanceType", "an EC2 instance type")]
    [InlineData("proactiveAction", "repair", "remediation:proactiveAction", "\"check\" or \"fix\"")]
    [InlineData("proactiveSchedule", "every 30 minutes", "remediation:proactiveSchedule", "rate(30 minutes)")]
    [InlineData("proactiveSchedule", "rate(5 minutes)", "remediation:proactiveSchedule", "at least 30 minutes")]
    [InlineData("hostFixWindowMinutes", "0", "remediation:hostFixWindowMinutes", "from 1 to 1440")]
    [InlineData("vpcId", "vpc-xyz", "remediation:vpcId", "a VPC id")]
    [InlineData("subnetIds", "subnet-0123456789abcdef0", "remediation:subnetIds", "without remediation:vpcId")]
    [InlineData("existingCapacityProviders", "spot", "remediation:existingCapacityProviders", "without remediation:cluster")]
    [InlineData("taskRoleArns", "role/app", "remediation:taskRoleArns", "IAM role ARNs")]
    [InlineData("clusters", "prod", "remediation:clusters", "unknown key")]
    [InlineData("reservedConcurrency", "0", "remediation:reservedConcurrency", "a whole number from 1 to 1000")]
    [InlineData("reservedConcurrency", "ten", "remediation:reservedConcurrency", "a whole number from 1 to 1000")]
    public void Read_BadValue_FailsNamingKeyAndExpectedForm(string key, string value, string namedKey, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Read((key, value)));

        Assert.StartsWith(namedKey + ":", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("25", 25)]
    public void Read_ReservedConcurrency_EmptyReservesNoneANumberReservesIt(string value, int? expected)
    {
        Assert.Null(Read().ReservedConcurrency);
        Assert.Equal(expected, Read(("reservedConcurrency", value)).ReservedConcurrency);
    }

    [Fact]
    public void Read_VpcWithoutSubnets_FailsNamingSubnetIds()
    {
        var error = Assert.Throws<ConfigException>(() => Read(("vpcId", "vpc-0123456789abcdef0")));

        Assert.StartsWith("remediation:subnetIds:", error.Message);
    }

    [Fact]
    public void Read_StrategyNamingUnknownProvider_FailsNamingTheKey()
    {
        var error = Assert.Throws<ConfigException>(() => Read(("cluster", "prod"), ("existingCapacityProviders", "spot"), ("existingDefaultStrategy", "other:1")));

        Assert.StartsWith("remediation:existingDefaultStrategy:", error.Message);
    }

    [Fact]
    public void Read_MaxBelowMin_FailsNamingMaxSize()
    {
        var error = Assert.Throws<ConfigException>(() => Read(("safeCapacityMinSize", "3"), ("safeCapacityMaxSize", "2")));

        Assert.StartsWith("remediation:safeCapacityMaxSize:", error.Message);
    }
}
