using LocalAws;
using Remediator.Tests.Support;

namespace Remediator.Tests.Organization;

/// <summary>
/// `remediator fleet check --account ID --region R` as a process: the SDK's own credential chain (here the
/// environment) assumes the member access role in moto_server's STS (AWS_ENDPOINT_URL_STS), and Run Command goes
/// to the local SSM endpoint with the member's credentials.
/// </summary>
public sealed class FleetAccountTests : IAsyncLifetime
{
    const string Member = "222233334444";
    const string Document = "EcsDnsRemediationMember-ResolvFix";
    const string Tag = "ecs-dns-remediation:cluster";

    static readonly string OperatorPolicy = $$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
         "Resource":"arn:aws:iam::{{Member}}:role/EcsDnsRemediationMember-*"}]}
        """;

    MotoServer moto = null!;
    LocalAwsEndpoint endpoint = null!;
    (string Id, string Secret) operatorKey;

    public async Task InitializeAsync()
    {
        moto = await MotoServer.StartAsync(authorizeAfter: 3);
        operatorKey = await moto.CreateUserAsync("platform-operator", OperatorPolicy);
        endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Ssm.RegisterCommandDocument(Document, "Action", "Resolver", "VerifyHost", "DryRun");
        endpoint.Ssm.AddManagedInstance(new ManagedInstance("i-0000000000000000a", new Dictionary<string, string> { [Tag] = "prod" },
            _ => new CommandReply("Success", 0,
                "healthy\n" + """{"action":"check","verdict":"healthy","manager":"dhclient","nameservers":["169.254.169.253"],"changed":false,"dry_run":false,"backup":null}""")));
    }

    public async Task DisposeAsync()
    {
        await endpoint.DisposeAsync();
        moto.Dispose();
    }

    Task<CliProcess.Result> Fleet(params string[] args) => CliProcess.RunAsync(null, new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = operatorKey.Id,
        ["AWS_SECRET_ACCESS_KEY"] = operatorKey.Secret,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL_STS"] = moto.Url,
        ["AWS_MAX_ATTEMPTS"] = "1",
    }, ["fleet", .. args, "--endpoint-url", endpoint.Url, "--wait", "3", "--poll-interval", "0.1"]);

    [Fact]
    public async Task Check_MemberAccount_RunsTheMemberDocumentAsTheMembersAccessRole()
    {
        var result = await Fleet("check", "--cluster", "prod", "--account", Member, "--region", "eu-west-1", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var send = Assert.Single(endpoint.RequestsOf("SendCommand"));
        Assert.Equal(Document, send.Body["DocumentName"]!.GetValue<string>());
        Assert.Equal("eu-west-1", send.SigningRegion);
        Assert.Equal(Member, await moto.AssumedRoleAccountAsync(send.AccessKeyId!));
    }

    [Fact]
    public async Task Check_AccountWhoseRoleCannotBeAssumed_OneLineAndNothingSent()
    {
        var result = await Fleet("check", "--cluster", "prod", "--account", "333344445555", "--region", "eu-west-1");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("remediator fleet check: cannot assume arn:aws:iam::333344445555:role/EcsDnsRemediationMember-eu-west-1", line, StringComparison.Ordinal);
        Assert.Empty(endpoint.RequestsOf("SendCommand"));
    }

    [Theory]
    [InlineData("--account", "12345", "--region", "eu-west-1", "--account:")]
    [InlineData("--account", Member, "--cluster", "prod", "--account needs --region")]
    [InlineData("--account", Member, "--region", "Europe", "--region:")]
    public async Task Check_BadMemberArguments_ExitTwoWithOneLine(string a, string b, string c, string d, string expected)
    {
        string[] args = c == "--cluster" ? ["check", a, b, c, d] : ["check", "--cluster", "prod", a, b, c, d];

        var result = await Fleet(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("remediator fleet check: " + expected, Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
