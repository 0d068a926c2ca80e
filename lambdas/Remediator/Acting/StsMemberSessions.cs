using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>
/// Assumes member access roles with STS (the function's own credentials: the SDK's chain) and keeps one SSM
/// client per role until shortly before its credentials expire, so a burst of events from one account costs
/// one AssumeRole call.
/// </summary>
public sealed class StsMemberSessions(
    IAmazonSecurityTokenService sts,
    Func<AWSCredentials, string, IAmazonSimpleSystemsManagement> ssmFor,
    TimeProvider? clock = null) : IMemberSessions
{
    /// <summary>Sessions last an hour (the member role's maximum); they are renewed this long before they end.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromMinutes(5);

    readonly TimeProvider clock = clock ?? TimeProvider.System;
    readonly ConcurrentDictionary<string, (IAmazonSimpleSystemsManagement Client, DateTimeOffset Until)> sessions = new(StringComparer.Ordinal);

    public async Task<IAmazonSimpleSystemsManagement> SsmAsync(AccountScope scope, string roleArn, CancellationToken cancellationToken)
    {
        var key = roleArn + "@" + scope.Region;
        if (sessions.TryGetValue(key, out var cached) && cached.Until > clock.GetUtcNow())
            return cached.Client;

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

        var client = ssmFor(new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), scope.Region);
        var until = (credentials.Expiration is { } expiration ? new DateTimeOffset(expiration.ToUniversalTime(), TimeSpan.Zero) : clock.GetUtcNow().AddHours(1)) - Renewal;
        sessions[key] = (client, until);
        return client;
    }
}
