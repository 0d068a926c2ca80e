using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>
/// Assumes member access roles with STS (the function's own credentials: the SDK's chain) and keeps one session
/// per account until shortly before it expires, with an SSM client per Region of it: a burst of events from one
/// account, in any of its Regions, costs one AssumeRole call. Session tokens from a Regional STS endpoint are valid
/// in every Region (IAM User Guide, "Manage AWS STS in an AWS Region"), and each Region's access role may start the
/// member runbook in every Region of its account (infra MemberStack); the role assumed is the one of the first
/// event's Region.
/// </summary>
public sealed class StsMemberSessions(
    IAmazonSecurityTokenService sts,
    Func<AWSCredentials, string, IAmazonSimpleSystemsManagement> ssmFor,
    TimeProvider? clock = null) : IMemberSessions
{
    /// <summary>Sessions last an hour (the member role's maximum); they are renewed this long before they end.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromMinutes(5);

    readonly TimeProvider clock = clock ?? TimeProvider.System;
    readonly ConcurrentDictionary<string, (AWSCredentials Credentials, DateTimeOffset Until)> sessions = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, (IAmazonSimpleSystemsManagement Client, AWSCredentials Credentials)> clients = new(StringComparer.Ordinal);

    public async Task<IAmazonSimpleSystemsManagement> SsmAsync(AccountScope scope, string roleArn, CancellationToken cancellationToken)
    {
        var account = scope.Partition + ":" + scope.Account;
        if (!sessions.TryGetValue(account, out var session) || session.Until <= clock.GetUtcNow())
        {
            session = await AssumeAsync(scope, roleArn, cancellationToken).ConfigureAwait(false);
            sessions[account] = session;
        }

        var key = account + "@" + scope.Region;
        if (clients.TryGetValue(key, out var cached) && ReferenceEquals(cached.Credentials, session.Credentials))
            return cached.Client;
        var client = ssmFor(session.Credentials, scope.Region);
        clients[key] = (client, session.Credentials);
        return client;
    }

    async Task<(AWSCredentials, DateTimeOffset)> AssumeAsync(AccountScope scope, string roleArn, CancellationToken cancellationToken)
    {
        Credentials credentials;
        try
        {
            var response = await sts.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = roleArn,
                // Shows in the member's CloudTrail who acted: the hub's Remediator, for this account.
                RoleSessionName = "ecs-dns-remediation-" + scope.Account,
                DurationSeconds = 3600,
            }, cancellationToken).ConfigureAwait(false);
            credentials = response.Credentials;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new MemberRoleUnavailableException(
                $"cannot assume {roleArn} in account {scope.Account} region {scope.Region}: {Events.Printable.Truncate(e.Message, 200)}", e);
        }

        var until = (credentials.Expiration is { } expiration ? new DateTimeOffset(expiration.ToUniversalTime(), TimeSpan.Zero) : clock.GetUtcNow().AddHours(1)) - Renewal;
        return (new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), until);
    }
}
