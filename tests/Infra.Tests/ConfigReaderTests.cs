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
    public void Read_SafeCapacityNoneAlone_LeavesEveryOtherSettingAtItsDefault()
    {
        var config = Read(("safeCapacityClusters", "none"));

        Assert.All(Settings.All.Where(s => s.Key is not null && s != Settings.SafeCapacityClusterNames), s => Assert.Equal(s.Default, config.Text(s)));
        Assert.All(new[] { config.SubnetIds, config.TaskSecurityGroupIds, config.AllowedClusters, config.TaskDefinitionFamilies, config.TaskRoleArns }, Assert.Empty);
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

        Assert.Equal(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], config.SubnetIds);
        Assert.Equal(["sg-0123456789abcdef0"], config.TaskSecurityGroupIds);
        var served = Assert.Single(config.SafeCapacityClusters);
        Assert.Equal("prod", served.Name);
        Assert.Equal(["spot", "ondemand"], served.ExistingProviders);
        Assert.Equal([new StrategyItem("ondemand", 1, 2), new StrategyItem("spot", 3, 0)], served.DefaultStrategy);
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
    [InlineData("existingCapacityProviders", "spot", "remediation:existingCapacityProviders", "remediation:cluster is unset")]
    [InlineData("taskRoleArns", "role/app", "remediation:taskRoleArns", "IAM role ARNs")]
    [InlineData("clusters", "prod", "remediation:clusters", "unknown key")]
    [InlineData("reservedConcurrency", "0", "remediation:reservedConcurrency", "a whole number from 1 to 1000")]
    [InlineData("reservedConcurrency", "ten", "remediation:reservedConcurrency", "a whole number from 1 to 1000")]
    public void Read_BadValue_FailsNamingKeyAndExpectedForm(string key, string value, string namedKey, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Read((key, value), ("safeCapacityClusters", "none")));

        Assert.StartsWith(namedKey + ":", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("25", 25)]
    public void Read_ReservedConcurrency_EmptyReservesNoneANumberReservesIt(string value, int? expected)
    {
        Assert.Null(Read(("safeCapacityClusters", "none")).ReservedConcurrency);
        Assert.Equal(expected, Read(("safeCapacityClusters", "none"), ("reservedConcurrency", value)).ReservedConcurrency);
    }

    [Fact]
    public void Read_VpcWithoutSubnets_FailsNamingSubnetIds()
    {
        var error = Assert.Throws<ConfigException>(() => Read(("cluster", "prod"), ("vpcId", "vpc-0123456789abcdef0")));

        Assert.StartsWith("remediation:subnetIds:", error.Message);
    }

    [Fact]
    public void Read_StrategyNamingUnknownProvider_FailsNamingTheKey()
    {
        var error = Assert.Throws<ConfigException>(() => ReadExisting(("cluster", "prod"), ("existingCapacityProviders", "spot"), ("existingDefaultStrategy", "other:1")));

        Assert.StartsWith("remediation:existingDefaultStrategy:", error.Message);
    }

    /// <summary>An existing cluster the safe capacity can join: its VPC, subnets and task security groups given.</summary>
    static readonly (string, object)[] ExistingNetwork =
    [
        ("vpcId", "vpc-0123456789abcdef0"),
        ("subnetIds", "subnet-0123456789abcdef0"),
        ("taskSecurityGroupIds", "sg-0123456789abcdef0"),
    ];

    static RemediationConfig ReadExisting(params (string Key, object Value)[] context) => Read([.. ExistingNetwork, .. context]);

    [Fact]
    public void Read_NoClusterAndNoExampleEnvironment_StopsWithOneLineNamingTheKeys()
    {
        var error = Assert.Throws<ConfigException>(() => Read());

        Assert.DoesNotContain('\n', error.Message);
        Assert.All(new[] { "remediation:cluster", "remediation:safeCapacityClusters=none", "remediation:exampleEnvironment=true" },
            key => Assert.Contains(key, error.Message));
    }

    [Fact]
    public void Read_ExampleEnvironment_CreatesTheVpcAndClusterTheSafeCapacityJoins()
    {
        var config = Read(("exampleEnvironment", true));

        Assert.True(config.CreatesCluster);
        Assert.True(config.CreatesVpc);
        var served = Assert.Single(config.SafeCapacityClusters);
        Assert.Equal(RemediationConfig.CreatedClusterName, served.Name);
        Assert.Equal(Settings.SafeCapacityProviderName.Default, served.ProviderName);
        Assert.Empty(served.DefaultStrategy);
    }

    [Theory]
    [InlineData("cluster", "prod")]
    [InlineData("vpcId", "vpc-0123456789abcdef0")]
    [InlineData("safeCapacityClusters", "prod")]
    [InlineData("existingDefaultStrategy", "none")]
    public void Read_ExampleEnvironmentWithAnExistingResource_StopsNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<ConfigException>(() => Read(("exampleEnvironment", "true"), (key, value)));

        Assert.StartsWith($"remediation:{key}:", error.Message);
        Assert.Contains("remediation:exampleEnvironment", error.Message);
    }

    [Fact]
    public void Read_ExistingClusterWithoutItsDefaultStrategy_StopsNamingTheCluster()
    {
        var error = Assert.Throws<ConfigException>(() => ReadExisting(("cluster", "prod"), ("existingCapacityProviders", "prod-ondemand")));

        Assert.StartsWith("remediation:existingDefaultStrategy:", error.Message);
        Assert.Contains("prod", error.Message);
        Assert.Contains("none", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Read_ExistingClusterWithStrategyNone_KeepsAnEmptyDefaultStrategy()
    {
        var config = ReadExisting(("cluster", "prod"), ("existingCapacityProviders", "prod-ondemand"), ("existingDefaultStrategy", "none"));

        var served = Assert.Single(config.SafeCapacityClusters);
        Assert.Equal("prod", served.Name);
        Assert.Equal(["prod-ondemand"], served.ExistingProviders);
        Assert.Empty(served.DefaultStrategy);
        Assert.False(config.CreatesCluster);
        Assert.False(config.CreatesVpc);
    }

    [Fact]
    public void Read_StrategyNoneWithItems_Stops()
    {
        var error = Assert.Throws<ConfigException>(() =>
            ReadExisting(("cluster", "prod"), ("existingCapacityProviders", "spot"), ("existingDefaultStrategy", "none,spot:1")));

        Assert.StartsWith("remediation:existingDefaultStrategy:", error.Message);
    }

    [Fact]
    public void Read_ExistingClusterWithoutVpc_StopsRatherThanCreatingOne()
    {
        var error = Assert.Throws<ConfigException>(() => Read(("cluster", "prod"), ("existingDefaultStrategy", "none")));

        Assert.StartsWith("remediation:vpcId:", error.Message);
        Assert.Contains("remediation:safeCapacityClusters=none", error.Message);
    }

    [Fact]
    public void Read_SafeCapacityNone_ServesNoClusterAndCreatesNothing()
    {
        var config = Read(("safeCapacityClusters", "none"));

        Assert.Empty(config.SafeCapacityClusters);
        Assert.False(config.CreatesCluster);
        Assert.False(config.CreatesVpc);
    }

    [Fact]
    public void Read_SeveralSafeCapacityClusters_EachKeepsItsOwnProvidersAndStrategyUnderItsOwnProvider()
    {
        var config = ReadExisting(
            ("cluster", "prod"),
            ("safeCapacityClusters", "prod,batch"),
            ("existingCapacityProviders", "prod-ondemand,batch/batch-spot"),
            ("existingDefaultStrategy", "prod-ondemand:1:1,batch/none"));

        Assert.Equal(["prod", "batch"], config.SafeCapacityClusters.Select(c => c.Name));
        var (prod, batch) = (config.SafeCapacityClusters[0], config.SafeCapacityClusters[1]);
        Assert.Equal(["prod-ondemand"], prod.ExistingProviders);
        Assert.Equal([new StrategyItem("prod-ondemand", 1, 1)], prod.DefaultStrategy);
        Assert.Equal(["batch-spot"], batch.ExistingProviders);
        Assert.Empty(batch.DefaultStrategy);
        // Capacity provider names are unique per account and Region (an Auto Scaling group provider joins one cluster).
        Assert.Equal(2, config.SafeCapacityClusters.Select(c => c.ProviderName).Distinct().Count());
    }

    [Fact]
    public void Read_SeveralClustersOneWithoutStrategy_StopsNamingThatCluster()
    {
        var error = Assert.Throws<ConfigException>(() => ReadExisting(
            ("safeCapacityClusters", "prod,batch"),
            ("existingDefaultStrategy", "prod/none")));

        Assert.StartsWith("remediation:existingDefaultStrategy:", error.Message);
        Assert.Contains("batch", error.Message);
    }

    [Fact]
    public void Read_SeveralClustersOneNamedTooLongForItsAlarm_StopsNamingTheCluster()
    {
        var longName = new string('c', 230);

        var error = Assert.Throws<ConfigException>(() => ReadExisting(
            ("safeCapacityClusters", $"prod,{longName}"),
            ("existingDefaultStrategy", $"prod/none,{longName}/none")));

        Assert.StartsWith("remediation:safeCapacityClusters:", error.Message);
        Assert.Contains(longName, error.Message);
    }

    [Fact]
    public void Read_ProvidersOfAClusterWithoutSafeCapacity_Stop()
    {
        var error = Assert.Throws<ConfigException>(() => ReadExisting(
            ("cluster", "prod"),
            ("existingCapacityProviders", "batch/batch-spot"),
            ("existingDefaultStrategy", "none")));

        Assert.StartsWith("remediation:existingCapacityProviders:", error.Message);
        Assert.Contains("batch", error.Message);
    }

    [Fact]
    public void Read_ObserveMode_KeepsTheProactiveAssociationAtCheck()
    {
        var config = Read(("exampleEnvironment", "true"), ("mode", "observe"), ("proactiveAction", "fix"));

        Assert.Equal(ProactiveAction.Check, config.ProactiveAction);
        Assert.Equal(ProactiveAction.Fix, Read(("exampleEnvironment", "true"), ("proactiveAction", "fix")).ProactiveAction);
    }

    [Fact]
    public void Read_MaxBelowMin_FailsNamingMaxSize()
    {
        var error = Assert.Throws<ConfigException>(() => Read(("exampleEnvironment", "true"), ("safeCapacityMinSize", "3"), ("safeCapacityMaxSize", "2")));

        Assert.StartsWith("remediation:safeCapacityMaxSize:", error.Message);
    }
}
