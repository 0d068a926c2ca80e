using Infra.Configuration;
using Remediation.Contracts;

namespace Infra.Tests;

public class OrganizationConfigTests
{
    /// <summary>The hub's configuration: the example environment unless the context says where the safe capacity goes.</summary>
    static RemediationConfig Read(params (string Key, object Value)[] context)
    {
        var values = context.ToDictionary(c => ConfigReader.Prefix + c.Key, c => c.Value);
        if (!values.ContainsKey(ConfigReader.Prefix + Settings.SafeCapacityClusterNames.Key))
            values[ConfigReader.Prefix + Settings.ExampleEnvironment.Key] = "true";
        return ConfigReader.Read(key => values.TryGetValue(key, out var v) ? v : null, values.Keys);
    }

    static readonly (string, object)[] Organization =
    [
        ("organizationId", "o-a1b2c3d4e5"),
        ("organizationTargets", "ou-ab12-cdef3456, ou-ab12-99998888"),
        ("organizationRegions", new[] { "us-east-1", "eu-west-1" }),
    ];

    [Fact]
    public void Read_NoOrganizationKeys_IsTheSingleAccountApp()
    {
        Assert.Null(Read().Organization);
    }

    [Fact]
    public void Read_OrganizationKeys_ReadsTextAndJsonArrays()
    {
        var organization = Read([.. Organization, ("organizationAccountSettings", "222233334444:observe:off,333344445555:remediate:on"), ("organizationCallAs", "SELF"),
            ("organizationOperatorRoleArns", "arn:aws:iam::111122223333:role/platform-operator")]).Organization!;

        Assert.Equal("o-a1b2c3d4e5", organization.OrganizationId);
        Assert.Equal(["ou-ab12-cdef3456", "ou-ab12-99998888"], organization.Targets);
        Assert.Equal(["us-east-1", "eu-west-1"], organization.Regions);
        Assert.Equal(StackSetCaller.Self, organization.CallAs);
        Assert.Equal([new AccountSettingItem("222233334444", RemediationMode.Observe, false), new AccountSettingItem("333344445555", RemediationMode.Remediate, true)],
            organization.AccountSettings);
        Assert.Equal("222233334444:observe:off", organization.AccountSettings[0].ToString());
        Assert.Equal(["arn:aws:iam::111122223333:role/platform-operator"], organization.OperatorRoleArns);
    }

    [Fact]
    public void Read_TheRoot_IsATarget()
    {
        Assert.Equal(["r-ab12"], Read(("organizationId", "o-a1b2c3d4e5"), ("organizationTargets", "r-ab12"), ("organizationRegions", "us-east-1")).Organization!.Targets);
    }

    [Theory]
    [InlineData("organizationId", "o-short", "organizationId")]
    [InlineData("organizationId", "O-A1B2C3D4E5", "organizationId")]
    [InlineData("organizationTargets", "ou-ab12", "organizationTargets")]
    [InlineData("organizationTargets", "r-ab12,ou-ab12-cdef3456", "organizationTargets")]
    [InlineData("organizationTargets", "", "organizationTargets")]
    [InlineData("organizationRegions", "us-east-1,Europe", "organizationRegions")]
    [InlineData("organizationRegions", "", "organizationRegions")]
    [InlineData("organizationAccountSettings", "222233334444:observe", "organizationAccountSettings")]
    [InlineData("organizationAccountSettings", "22223333444:observe:off", "organizationAccountSettings")]
    [InlineData("organizationAccountSettings", "222233334444:observe:off,222233334444:remediate:on", "organizationAccountSettings")]
    [InlineData("organizationCallAs", "ADMIN", "organizationCallAs")]
    [InlineData("organizationOperatorRoleArns", "platform-operator", "organizationOperatorRoleArns")]
    public void Read_BadOrganizationValue_FailsNamingTheKey(string key, string value, string named)
    {
        var context = Organization.Where(c => c.Item1 != key).Append((key, (object)value)).ToArray();

        var error = Assert.Throws<ConfigException>(() => Read(context));

        Assert.StartsWith($"remediation:{named}:", error.Message);
    }

    [Fact]
    public void Read_OnlySomeOrganizationKeys_FailsNamingTheMissingOne()
    {
        var error = Assert.Throws<ConfigException>(() => Read(("organizationId", "o-a1b2c3d4e5"), ("organizationRegions", "us-east-1")));

        Assert.StartsWith("remediation:organizationTargets: required", error.Message);
    }

    [Fact]
    public void Read_AccountSettingsWithoutOrganization_Fails()
    {
        var error = Assert.Throws<ConfigException>(() => Read(("organizationAccountSettings", "222233334444:observe:off")));

        Assert.StartsWith("remediation:organizationAccountSettings: given without remediation:organizationId", error.Message);
    }

    [Fact]
    public void Read_AccountReschedulesWhileTheHubDoesNot_Fails()
    {
        var error = Assert.Throws<ConfigException>(() => Read([.. Organization, ("reschedule", false), ("organizationAccountSettings", "222233334444:remediate:on")]));

        Assert.StartsWith("remediation:organizationAccountSettings:", error.Message);
    }

    [Fact]
    public void Read_AccountReschedulingWhileTheHubHasNoSafeCapacity_FailsNamingAccountSettings()
    {
        var error = Assert.Throws<ConfigException>(() => Read([.. Organization, ("safeCapacityClusters", "none"), ("organizationAccountSettings", "222233334444:remediate:on")]));

        Assert.StartsWith("remediation:organizationAccountSettings:", error.Message);
        Assert.Contains("remediation:safeCapacityClusters", error.Message);
    }
}
