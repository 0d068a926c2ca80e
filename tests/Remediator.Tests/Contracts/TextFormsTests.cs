using Remediation.Contracts;

namespace Remediator.Tests.Contracts;

/// <summary>The contracts' text forms that one part writes and another reads: each reads back what it writes, and nothing else.</summary>
public sealed class TextFormsTests
{
    [Theory]
    [InlineData("111122223333:observe:off", RemediationMode.Observe, false)]
    [InlineData("222233334444:remediate:on", RemediationMode.Remediate, true)]
    public void AccountSettingItem_Text_RoundTrips(string text, RemediationMode mode, bool reschedule)
    {
        var item = AccountSettingItem.Parse(text);

        Assert.Equal(new AccountSettingItem(text[..12], mode, reschedule), item);
        Assert.Equal(text, item!.ToString());
    }

    [Theory]
    [InlineData("11112222333:observe:off")]
    [InlineData("111122223333:Observe:off")]
    [InlineData("111122223333:observe:yes")]
    [InlineData("111122223333:observe:off\n")]
    [InlineData("111122223333:observe")]
    [InlineData("١١١١٢٢٢٢٣٣٣٣:observe:off")]
    public void AccountSettingItem_AnythingElse_Null(string text)
    {
        Assert.Null(AccountSettingItem.Parse(text));
    }

    [Theory]
    [InlineData(null, RemediationMode.Remediate)]
    [InlineData("remediate", RemediationMode.Remediate)]
    [InlineData("observe", RemediationMode.Observe)]
    public void RemediationModes_Parse_KnownText(string? text, RemediationMode expected)
    {
        Assert.Equal(expected, RemediationModes.Parse(text));
    }

    [Fact]
    public void RemediationModes_Text_ParsesBack()
    {
        Assert.All(Enum.GetValues<RemediationMode>(), mode => Assert.Equal(mode, RemediationModes.Parse(RemediationModes.Text(mode))));
        Assert.Null(RemediationModes.Parse("Observe"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(999)]
    public void AttemptMarker_Format_ParsesBack(int attempt)
    {
        Assert.Equal(attempt, AttemptMarker.Parse(AttemptMarker.Format(attempt)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ecs-svc/1234")]
    [InlineData("ecs-dns-remediation/attempt-")]
    [InlineData("ecs-dns-remediation/attempt-1000")]
    [InlineData("ecs-dns-remediation/attempt-+1")]
    [InlineData("ecs-dns-remediation/attempt-\u0661")]
    public void AttemptMarker_NotOurs_Zero(string? startedBy)
    {
        Assert.Equal(0, AttemptMarker.Parse(startedBy));
    }

    [Fact]
    public void RemediationDocuments_MemberAccessRole_IsPrefixDashRegion()
    {
        Assert.Equal("EcsDnsRemediationMember-eu-west-1", RemediationDocuments.MemberAccessRole(RemediationDocuments.MemberAccessRolePrefix, "eu-west-1"));
    }
}
