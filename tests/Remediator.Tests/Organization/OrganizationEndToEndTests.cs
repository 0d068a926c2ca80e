using Remediation.Contracts;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using LocalAws;
using Remediator.Acting;
using Remediator.Pipeline;
using Remediator.Planning;
using Remediator.Tests.Acting;
using Remediator.Tests.Support;

namespace Remediator.Tests.Organization;

/// <summary>
/// The hub's Remediator, configured like the organization synth configures it, with the real AWS SDK: STS is
/// moto_server (IAM authorization enforced), SSM and DynamoDB the local endpoint. The hub account is moto's
/// default account; member 222233334444 has its access role; 333344445555 is not reachable.
/// </summary>
public sealed class OrganizationEndToEndTests : IAsyncLifetime
{
    const string Hub = MotoServer.DefaultAccount;
    const string Member = "222233334444";
    const string Unreachable = "333344445555";
    const string HubRunbook = "EcsDnsRemediation-Remediate";
    const string HubRunbookRole = "arn:aws:iam::123456789012:role/remediation-automation";
    const string MemberRoleName = "EcsDnsRemediationMember";
    const string MemberRunbook = "EcsDnsRemediationMember-Remediate";

    // The hub Remediator role's statement (infra OrganizationHub, AssumeMemberAccessRoles) as moto evaluates it;
    // the member accounts the StackSet reached stand in for the aws:ResourceOrgID condition, which moto does not model.
    static readonly string HubPolicy = $$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
         "Resource":"arn:aws:iam::{{Member}}:role/{{MemberRoleName}}-*"}]}
        """;

    const string AuditorPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetAccessKeyInfo","Resource":"*"}]}""";

    MotoServer moto = null!;
    LocalAwsEndpoint endpoint = null!;
    (string Id, string Secret) hubKey;
    (string Id, string Secret) auditorKey;

    public async Task InitializeAsync()
    {
        moto = await MotoServer.StartAsync(authorizeAfter: 6);
        hubKey = await moto.CreateUserAsync("hub-remediator", HubPolicy);
        auditorKey = await moto.CreateUserAsync("auditor", AuditorPolicy);
        endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.RetryAfter = TimeSpan.FromMilliseconds(1);
        endpoint.Ssm.RegisterAutomationDocument(HubRunbook, ActingHarness.RunbookParameterNames);
        endpoint.Ssm.RegisterAutomationDocument(MemberRunbook, ActingHarness.RunbookParameterNames);
        endpoint.Dynamo.CreateTable(ActingHarness.Table);
    }

    public async Task DisposeAsync()
    {
        await endpoint.DisposeAsync();
        moto.Dispose();
    }

    Dictionary<string, string?> Environment(string accountSettings = "") => new()
    {
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL_SSM"] = endpoint.Url,
        ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint.Url,
        ["AWS_ENDPOINT_URL_STS"] = moto.Url,
        ["AWS_ACCESS_KEY_ID"] = hubKey.Id,
        ["AWS_SECRET_ACCESS_KEY"] = hubKey.Secret,
        ["AWS_MAX_ATTEMPTS"] = "2",
        [RemediatorEnvironment.SafeCapacityProvider] = "dns-safe-capacity",
        [RemediatorEnvironment.AccountSettings] = accountSettings,
        [RemediatorEnvironment.RunbookName] = HubRunbook,
        [RemediatorEnvironment.AutomationRoleArn] = HubRunbookRole,
        [RemediatorEnvironment.ClaimsTable] = ActingHarness.Table,
        [RemediatorEnvironment.HubAccount] = Hub,
        [RemediatorEnvironment.MemberRoleName] = MemberRoleName,
        [RemediatorEnvironment.MemberRunbookName] = MemberRunbook,
    };

    /// <summary>The standalone failure sample, moved to <paramref name="account"/> and <paramref name="region"/>.</summary>
    static JsonObject EventIn(string account, string region, int task)
    {
        var text = SampleEvents.Standalone(task: task).ToJsonString()
            .Replace($"us-east-1:{SampleEvents.Account}:", $"{region}:{account}:", StringComparison.Ordinal);
        var e = (JsonObject)JsonNode.Parse(text)!;
        e["account"] = account;
        e["region"] = region;
        return e;
    }

    static async Task<JsonObject> HandleAsync(Function function, JsonObject @event)
    {
        await using var response = await function.Handle(new MemoryStream(Encoding.UTF8.GetBytes(@event.ToJsonString())));
        return (JsonObject)(await JsonNode.ParseAsync(response))!;
    }

    static List<JsonObject> Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();

    /// <summary>The account moto says an access key belongs to: an assumed role's, else an IAM user's (STS GetAccessKeyInfo).</summary>
    async Task<string> AccountOfAsync(string accessKeyId)
    {
        if (await moto.AssumedRoleAccountAsync(accessKeyId) is { } account) return account;
        using var sts = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(auditorKey.Id, auditorKey.Secret),
            new AmazonSecurityTokenServiceConfig { ServiceURL = moto.Url, AuthenticationRegion = "us-east-1" });
        return (await sts.GetAccessKeyInfoAsync(new GetAccessKeyInfoRequest { AccessKeyId = accessKeyId })).Account;
    }

    [Fact]
    public async Task Handle_HubAndMemberEvents_EachExecutionRunsInItsEventsAccountAndRegion()
    {
        var environment = Environment();
        var output = new StringWriter();
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), output);

        var hub = await HandleAsync(function, EventIn(Hub, "us-east-1", task: 1));
        var member = await HandleAsync(function, EventIn(Member, "eu-west-1", task: 2));

        Assert.Equal(("acted", "acted"), (hub["outcome"]!.GetValue<string>(), member["outcome"]!.GetValue<string>()));
        var starts = endpoint.RequestsOf("StartAutomationExecution").Where(r => r.Status == 200).ToList();
        Assert.Equal(2, starts.Count);

        Assert.Equal(HubRunbook, starts[0].Body["DocumentName"]!.GetValue<string>());
        Assert.Equal(HubRunbookRole, starts[0].Body["Parameters"]!["AutomationAssumeRole"]![0]!.GetValue<string>());
        Assert.Equal(("us-east-1", Hub), (starts[0].SigningRegion, await AccountOfAsync(starts[0].AccessKeyId!)));

        Assert.Equal(MemberRunbook, starts[1].Body["DocumentName"]!.GetValue<string>());
        Assert.Null(starts[1].Body["Parameters"]!["AutomationAssumeRole"]);
        Assert.StartsWith($"arn:aws:ecs:eu-west-1:{Member}:cluster/", starts[1].Body["Parameters"]!["ClusterArn"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("eu-west-1", Member), (starts[1].SigningRegion, await AccountOfAsync(starts[1].AccessKeyId!)));

        var logs = Lines(output).Where(l => !l.ContainsKey("_aws")).ToList();
        Assert.Equal([(Hub, "us-east-1"), (Member, "eu-west-1")], logs.Select(l => (l["account"]!.GetValue<string>(), l["region"]!.GetValue<string>())));
        var metrics = Lines(output).Where(l => l.ContainsKey("_aws")).ToList();
        Assert.Equal([Member], metrics.Skip(1).Select(m => m["Account"]!.GetValue<string>()));
        Assert.Contains(metrics[1]["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]!.AsArray(),
            d => d!.AsArray().Select(n => n!.GetValue<string>()).SequenceEqual(["Account", "Region"]));
    }

    [Fact]
    public async Task Handle_MemberRoleCannotBeAssumed_ReportsNotifyAndRaisesSoTheEventIsKept()
    {
        var environment = Environment();
        var output = new StringWriter();
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), output);
        var @event = EventIn(Unreachable, "eu-west-1", task: 3);

        var error = await Assert.ThrowsAsync<MemberRoleUnavailableException>(() => HandleAsync(function, @event));

        Assert.Contains($"arn:aws:iam::{Unreachable}:role/{MemberRoleName}-eu-west-1", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccessDenied", error.InnerException!.GetType().Name + " " + ((AmazonServiceException)error.InnerException).ErrorCode, StringComparison.Ordinal);
        Assert.Empty(endpoint.RequestsOf("StartAutomationExecution"));
        Assert.Empty(endpoint.Dynamo.Items(ActingHarness.Table));
        var lines = Lines(output);
        var log = lines.Single(l => !l.ContainsKey("_aws"));
        Assert.Equal(("failed", "notify", "member-role-unavailable"),
            (log["outcome"]!.GetValue<string>(), log["plan"]!["decision"]!.GetValue<string>(), log["plan"]!["cause"]!.GetValue<string>()));
        var metric = lines.Single(l => l.ContainsKey("_aws"));
        Assert.Equal((1, Unreachable, "eu-west-1"),
            (metric["Notifications"]!.GetValue<int>(), metric["Account"]!.GetValue<string>(), metric["Region"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Handle_MemberAccountInObserveMode_PlansWithoutAssumingOrStarting()
    {
        var environment = Environment(accountSettings: $"{Member}:observe:off");
        var output = new StringWriter();
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), output);

        var member = await HandleAsync(function, EventIn(Member, "eu-west-1", task: 4));
        var hub = await HandleAsync(function, EventIn(Hub, "us-east-1", task: 5));

        Assert.Equal(("skipped", "acted"), (member["outcome"]!.GetValue<string>(), hub["outcome"]!.GetValue<string>()));
        Assert.Contains("observe mode", member["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HubRunbook, Assert.Single(endpoint.Ssm.Executions).DocumentName);
    }

    [Fact]
    public async Task Handle_MemberAccountWithRescheduleOff_StartsTheHostFixOnly()
    {
        var environment = Environment(accountSettings: $"{Member}:remediate:off");
        var output = new StringWriter();
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), output);

        _ = await HandleAsync(function, EventIn(Member, "eu-west-1", task: 6));
        _ = await HandleAsync(function, EventIn(Hub, "us-east-1", task: 7));

        var executions = endpoint.Ssm.Executions;
        Assert.Equal([(MemberRunbook, "no"), (HubRunbook, "yes")], executions.Select(e => (e.DocumentName, e.Parameter("Reschedule"))));
    }

    /// <summary>
    /// STS session tokens from a Regional endpoint are valid in every Region (IAM User Guide, "Manage AWS STS in an
    /// AWS Region"), and each Region's access role may start the member runbook in every Region of its account: one
    /// session serves the account's events of every Region, each start signed for its own Region.
    /// </summary>
    [Fact]
    public async Task Handle_OneMemberInThreeRegions_AssumesOneRoleAndStartsInEachRegion()
    {
        var environment = Environment();
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), new StringWriter());
        string[] regions = ["eu-west-1", "ap-southeast-2", "us-west-2"];

        for (var i = 0; i < regions.Length; i++)
            _ = await HandleAsync(function, EventIn(Member, regions[i], task: 20 + i));

        var starts = endpoint.RequestsOf("StartAutomationExecution").Where(r => r.Status == 200).ToList();
        Assert.Equal(regions, starts.Select(r => r.SigningRegion));
        Assert.Single(starts.Select(r => r.AccessKeyId).Distinct());
        Assert.Equal(Member, await AccountOfAsync(starts[0].AccessKeyId!));
        Assert.Equal(1, await moto.AssumedRoleCountAsync());
    }

    [Fact]
    public async Task Handle_BurstFromOneMember_AssumesItsRoleOnce()
    {
        var environment = Environment();
        var function = Function.FromEnvironment(k => environment.GetValueOrDefault(k), new StringWriter());

        for (var task = 10; task < 15; task++)
            _ = await HandleAsync(function, EventIn(Member, "eu-west-1", task));

        Assert.Equal(5, endpoint.Ssm.Executions.Count);
        Assert.Equal(1, await moto.AssumedRoleCountAsync());
    }
}
