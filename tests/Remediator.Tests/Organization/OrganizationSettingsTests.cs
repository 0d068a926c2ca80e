using Remediation.Contracts;
using Remediator.Acting;
using Remediator.Planning;

namespace Remediator.Tests.Organization;

public class OrganizationSettingsTests
{
    static OrganizationSettings? From(params (string Key, string Value)[] values) =>
        OrganizationSettings.From(k => values.FirstOrDefault(v => v.Key == k).Value);

    static readonly (string, string)[] Complete =
    [
        (RemediatorEnvironment.HubAccount, "111122223333"),
        (RemediatorEnvironment.MemberRoleName, "EcsDnsRemediationMember"),
        (RemediatorEnvironment.MemberRunbookName, "EcsDnsRemediationMember-Remediate"),
    ];

    [Fact]
    public void From_NoKeys_IsNull()
    {
        Assert.Null(From());
    }

    [Fact]
    public void MemberRoleArn_Scope_NamesTheRoleOfThatAccountAndRegion()
    {
        var scope = AccountScope.Of("arn:aws:ecs:eu-west-1:222233334444:cluster/prod")!;

        Assert.Equal("arn:aws:iam::222233334444:role/EcsDnsRemediationMember-eu-west-1", From(Complete)!.MemberRoleArn(scope));
    }

    [Theory]
    [InlineData(RemediatorEnvironment.HubAccount, "1111")]
    [InlineData(RemediatorEnvironment.HubAccount, "\u0661\u0661\u0661\u0661\u0662\u0662\u0662\u0662\u0663\u0663\u0663\u0663")]
    [InlineData(RemediatorEnvironment.MemberRoleName, "a role")]
    [InlineData(RemediatorEnvironment.MemberRunbookName, "x")]
    public void From_BadValue_FailsNamingTheVariable(string key, string value)
    {
        var values = Complete.Where(c => c.Item1 != key).Append((key, value)).ToArray();

        var error = Assert.Throws<SettingsException>(() => From(values));

        Assert.StartsWith(key + ":", error.Message);
    }

    [Fact]
    public void From_OnlyTheHubAccount_FailsNamingTheMissingVariable()
    {
        var error = Assert.Throws<SettingsException>(() => From((RemediatorEnvironment.HubAccount, "111122223333")));

        Assert.StartsWith(RemediatorEnvironment.MemberRoleName + " is not set", error.Message);
    }

    [Theory]
    [InlineData("arn:aws:ecs:eu-west-1:222233334444:cluster/prod", "aws", "222233334444", "eu-west-1")]
    [InlineData("arn:aws-cn:ecs:cn-north-1:222233334444:task/prod/0123456789abcdef0123456789abcdef", "aws-cn", "222233334444", "cn-north-1")]
    public void Of_ValidEcsArn_GivesPartitionAccountAndRegion(string arn, string partition, string account, string region)
    {
        Assert.Equal(new AccountScope(partition, account, region), AccountScope.Of(arn));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("arn:aws:ecs:eu-west-1:2222:cluster/prod")]
    [InlineData("arn:aws:iam::222233334444:role/x")]
    public void Of_AnythingElse_IsNull(string? arn)
    {
        Assert.Null(AccountScope.Of(arn));
    }

    [Fact]
    public void ForAccount_ListedAccount_GetsItsOwnModeAndReschedule()
    {
        var settings = RemediatorSettings.From(k => k switch
        {
            RemediatorEnvironment.SafeCapacityProvider => "safe",
            RemediatorEnvironment.AccountSettings => "222233334444:observe:off, 333344445555:remediate:on",
            _ => null,
        });

        Assert.Equal((RemediationMode.Observe, false), (settings.ForAccount("222233334444").Mode, settings.ForAccount("222233334444").Reschedule));
        Assert.Equal((RemediationMode.Remediate, true), (settings.ForAccount("333344445555").Mode, settings.ForAccount("333344445555").Reschedule));
        Assert.Same(settings, settings.ForAccount("444455556666"));
        Assert.Same(settings, settings.ForAccount(null));
    }

    [Theory]
    [InlineData("222233334444:observe")]
    [InlineData("222233334444:watch:off")]
    [InlineData("22223333444x:observe:off")]
    [InlineData("222233334444:observe:off,222233334444:remediate:off")]
    public void From_BadAccountSettings_FailsNamingTheVariable(string value)
    {
        var error = Assert.Throws<SettingsException>(() => RemediatorSettings.From(k => k == RemediatorEnvironment.AccountSettings ? value : null));

        Assert.StartsWith(RemediatorEnvironment.AccountSettings + ":", error.Message);
    }

    [Fact]
    public void From_AccountReschedulesWithoutSafeCapacity_Fails()
    {
        var error = Assert.Throws<SettingsException>(() => RemediatorSettings.From(k => k == RemediatorEnvironment.AccountSettings ? "222233334444:remediate:on" : null));

        Assert.StartsWith(RemediatorEnvironment.AccountSettings + ":", error.Message);
    }
}
