using System.CommandLine;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using Remediator.Events;
using Remediation.Contracts;
using Remediator.Planning;

namespace Remediator.Cli.Fleet;

/// <summary>
/// <c>remediator fleet check|fix|rollback --cluster NAME</c>: runs the resolv-fix document on every container
/// instance tagged with the cluster, and reports each one; rollback restores only the instances the host fix
/// changed (resolv-fix.sh keeps a backup there; elsewhere it changes nothing and says so). With
/// <c>--account ID --region R</c>, in a member account of the organization, through its access role. Exit 0 when
/// every instance is healthy, fixed, rolled back or untouched, 1 when any is at risk, failed or did not answer,
/// 2 for bad usage: a pipeline gate.
/// </summary>
public static class FleetCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var fleet = new Command("fleet", "Check, fix or roll back the resolv.conf of a cluster's container instances through SSM Run Command");
        fleet.Subcommands.Add(Create(ResolvFixParameterNames.Check, "Report which container instances are at risk (changes nothing)", stdout, stderr, stdin));
        fleet.Subcommands.Add(Create(ResolvFixParameterNames.Fix, "Apply the host fix to the cluster's container instances (asks first unless --yes)", stdout, stderr, stdin));
        fleet.Subcommands.Add(Create(ResolvFixParameterNames.Rollback,
            "Restore resolv.conf on the container instances the host fix changed, from its backup; the others are left untouched (asks first unless --yes)", stdout, stderr, stdin));
        return fleet;
    }

    static Command Create(string action, string description, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        // fix and rollback change hosts: the same slower rate, the same question, the same dry run.
        var changesHosts = action != ResolvFixParameterNames.Check;
        var cluster = new Option<string>("--cluster") { Description = "The ECS cluster whose container instances to target", Required = true };
        var document = new Option<string?>("--document") { Description = $"The resolv-fix Command document (default: {RemediationDocuments.DefaultResolvFix}, or {RemediationDocuments.MemberResolvFix} with --account)" };
        var tag = new Option<string>("--target-tag") { Description = "The instance tag whose value is the cluster name", DefaultValueFactory = _ => InstanceTags.Cluster };
        var resolver = new Option<string>("--resolver") { Description = "The VPC resolver to put within the first three nameservers", DefaultValueFactory = _ => VpcResolver.Default };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for every instance to answer", DefaultValueFactory = _ => 180 };
        var poll = new Option<double>("--poll-interval") { Description = "Seconds between two looks at the invocations", DefaultValueFactory = _ => 3 };
        var concurrency = new Option<string>("--max-concurrency") { Description = "SSM rate control: instances at once", DefaultValueFactory = _ => changesHosts ? "10%" : "50%" };
        var errors = new Option<string>("--max-errors") { Description = "SSM rate control: errors before SSM stops sending", DefaultValueFactory = _ => changesHosts ? "1" : "10%" };
        var region = new Option<string?>("--region") { Description = "AWS region (default: the SDK's chain)" };
        var endpoint = new Option<string?>("--endpoint-url") { Description = "SSM endpoint URL (default: the SDK's; for tests and private endpoints)" };
        var account = new Option<string?>("--account") { Description = "A member account of the organization: assume its access role (needs --region)" };
        var roleName = new Option<string?>("--role-name")
        {
            Description = $"With --account: the access role's name before its -REGION suffix (default: ${RemediatorEnvironment.MemberRoleName}, else {RemediationDocuments.MemberAccessRolePrefix})",
        };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the change on each instance, change nothing" };

        var command = new Command(action, description) { cluster, document, tag, json, wait, poll, concurrency, errors, region, endpoint, account, roleName };
        // rollback restores the backup whatever resolver the fix put in.
        var takesResolver = action != ResolvFixParameterNames.Rollback;
        if (takesResolver) command.Options.Insert(3, resolver);
        if (changesHosts)
        {
            command.Options.Add(yes);
            command.Options.Add(dryRun);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var member = result.GetValue(account);
            var request = new FleetRequest
            {
                Document = result.GetValue(document) ?? (member is null ? RemediationDocuments.DefaultResolvFix : RemediationDocuments.MemberResolvFix),
                TargetTagKey = result.GetValue(tag)!,
                Cluster = result.GetValue(cluster)!,
                Action = action,
                Resolver = takesResolver ? result.GetValue(resolver)! : VpcResolver.Default,
                DryRun = result.GetValue(dryRun),
                MaxConcurrency = result.GetValue(concurrency)!,
                MaxErrors = result.GetValue(errors)!,
            };
            var memberRole = result.GetValue(roleName)
                ?? (Environment.GetEnvironmentVariable(RemediatorEnvironment.MemberRoleName) is { Length: > 0 } named ? named.Trim() : RemediationDocuments.MemberAccessRolePrefix);
            var problem = Validate(request, result.GetValue(wait), result.GetValue(poll))
                ?? (member is null ? null : ValidateMember(member, result.GetValue(region), memberRole));
            if (problem is not null)
            {
                await stderr.WriteLineAsync($"remediator fleet {action}: {problem}");
                return ExitCodes.Usage;
            }
            if (changesHosts && !request.DryRun && !result.GetValue(yes) && !await ConfirmAsync(request, stdout, stdin))
            {
                await stderr.WriteLineAsync($"remediator fleet {action}: not confirmed; nothing was sent (use --yes to skip the question)");
                return ExitCodes.Usage;
            }

            try
            {
                using var ssm = member is null
                    ? Client(result.GetValue(region), result.GetValue(endpoint))
                    : await MemberClientAsync(member, result.GetValue(region)!, memberRole, result.GetValue(endpoint), cancellationToken);
                var run = new FleetRun(new SsmFleetCommands(ssm), TimeProvider.System);
                var report = await run.RunAsync(request, TimeSpan.FromSeconds(result.GetValue(wait)),
                    TimeSpan.FromSeconds(result.GetValue(poll)), cancellationToken);
                await stdout.WriteLineAsync(result.GetValue(json) ? report.ToJson() : report.ToTable());
                return report.ExitCode;
            }
            catch (Pipeline.MemberRoleUnavailableException e)
            {
                await stderr.WriteLineAsync($"remediator fleet {action}: {Printable.Truncate(e.Message, 300)}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException)
            {
                await stderr.WriteLineAsync($"remediator fleet {action}: SSM: {Printable.Truncate(e.Message, 300)}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }

    static string? Validate(FleetRequest request, double wait, double poll)
    {
        if (EcsNames.ClusterName(request.Cluster) != request.Cluster) return $"--cluster: \"{Printable.Truncate(request.Cluster, 80)}\" is not a cluster name";
        if (!IpLiteral.IsValid(request.Resolver)) return $"--resolver: \"{Printable.Truncate(request.Resolver, 80)}\" is not an IPv4 or IPv6 address";
        if (wait is <= 0 or > 3600) return "--wait: expected seconds between 0 and 3600";
        if (poll is <= 0 or > 60) return "--poll-interval: expected seconds between 0 and 60";
        return null;
    }

    static string? ValidateMember(string account, string? region, string roleName)
    {
        if (account.Length != 12 || !account.All(char.IsAsciiDigit)) return $"--account: \"{Printable.Truncate(account, 80)}\" is not a 12-digit account id";
        if (region is null) return "--account needs --region: the access role and the documents are per region";
        if (Scope(account, region) is null) return $"--region: \"{Printable.Truncate(region, 80)}\" is not a region name such as eu-west-1";
        if (!Acting.OrganizationSettings.IsMemberRoleName(roleName)) return $"--role-name: \"{Printable.Truncate(roleName, 80)}\" is not an IAM role name of at most 48 characters";
        return null;
    }

    /// <summary>The member's account and region, with the partition its region belongs to.</summary>
    static AccountScope? Scope(string account, string region)
    {
        var partition = region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
            : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
            : "aws";
        return AccountScope.Of($"arn:{partition}:ecs:{region}:{account}:cluster/fleet");
    }

    /// <summary>
    /// SSM in the member's account and region as its access role, assumed with the credentials of the SDK's own
    /// chain (environment, profile, SSO, instance role...) through STS in that region (AWS_ENDPOINT_URL_STS honoured).
    /// </summary>
    static async Task<IAmazonSimpleSystemsManagement> MemberClientAsync(string account, string region, string roleName, string? endpoint, CancellationToken cancellationToken)
    {
        var scope = Scope(account, region)!;
        using var sts = new AmazonSecurityTokenServiceClient(new AmazonSecurityTokenServiceConfig { RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region) });
        var sessions = new Acting.StsMemberSessions(sts, (credentials, r) =>
        {
            var config = new AmazonSimpleSystemsManagementConfig { RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(r) };
            if (endpoint is not null)
            {
                config.ServiceURL = endpoint;
                config.AuthenticationRegion = r;
            }
            return new AmazonSimpleSystemsManagementClient(credentials, config);
        });
        return await sessions.SsmAsync(scope, Acting.OrganizationSettings.MemberRoleArn(roleName, scope), cancellationToken);
    }

    static async Task<bool> ConfirmAsync(FleetRequest request, TextWriter stdout, TextReader stdin)
    {
        var question = request.Action == ResolvFixParameterNames.Rollback
            ? $"Restore the original resolv.conf on every container instance of cluster {request.Cluster} that the host fix changed, {request.MaxConcurrency} at a time? [y/N] "
            : $"Apply the host fix (resolver {request.Resolver}) to every container instance of cluster {request.Cluster}, {request.MaxConcurrency} at a time? [y/N] ";
        await stdout.WriteAsync(question);
        var answer = (await stdin.ReadLineAsync())?.Trim();
        return answer is "y" or "Y" or "yes";
    }

    static AmazonSimpleSystemsManagementClient Client(string? region, string? endpoint)
    {
        var config = new AmazonSimpleSystemsManagementConfig();
        if (region is not null) config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        if (endpoint is not null) config.ServiceURL = endpoint;
        return new AmazonSimpleSystemsManagementClient(config);
    }
}
