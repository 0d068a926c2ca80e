using Amazon.SimpleSystemsManagement;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>SSM clients that act in a member account and region, as the member access role.</summary>
public interface IMemberSessions
{
    /// <summary>
    /// An SSM client in <paramref name="scope"/> with the credentials of <paramref name="roleArn"/>. Throws
    /// <see cref="MemberRoleUnavailableException"/> when the role cannot be assumed.
    /// </summary>
    Task<IAmazonSimpleSystemsManagement> SsmAsync(AccountScope scope, string roleArn, CancellationToken cancellationToken);
}
