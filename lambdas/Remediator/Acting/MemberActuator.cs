using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>
/// The act step of the organization hub: an event of the hub's own account and region goes to the hub's
/// actuator (its own runbook); any other runs in the account and region of the event's cluster, through the
/// member access role there and the member's runbook. Claims stay in the hub's table: their keys are task and
/// container instance ARNs, which name account and region.
/// <para>
/// Why a member role and not SSM's multi-account Automation (TargetLocations): one event is one execution in
/// one account and region, started with the event's parameters; TargetLocations fans a runbook out to many
/// accounts, needs the Automation administration role in the hub and the execution role under a fixed AWS
/// name in every member, and keeps the execution in the hub, where the member's ECS and instances are not.
/// With a member role the member keeps its own runbook history and CloudTrail shows the hub's session name.
/// </para>
/// </summary>
public sealed class MemberActuator(
    IActuator hub,
    string hubRegion,
    OrganizationSettings organization,
    IMemberSessions sessions,
    IClaimStore claims,
    ActuatorSettings acting,
    TimeProvider? clock = null) : IActuator
{
    // The member's runbook carries its own role as the AutomationAssumeRole default.
    readonly ActuatorSettings memberActing = acting with { RunbookName = organization.MemberRunbookName, AutomationRoleArn = null };

    public async Task<ActResult> ActAsync(Plan plan, CancellationToken cancellationToken)
    {
        var scope = AccountScope.Of(plan) ?? throw new ArgumentException("a remediate plan names a valid cluster ARN", nameof(plan));
        if (scope.Account == organization.HubAccount && scope.Region == hubRegion)
            return await hub.ActAsync(plan, cancellationToken).ConfigureAwait(false);

        var ssm = await sessions.SsmAsync(scope, organization.MemberRoleArn(scope), cancellationToken).ConfigureAwait(false);
        var result = await new SsmActuator(ssm, claims, memberActing, clock).ActAsync(plan, cancellationToken).ConfigureAwait(false);
        return result with { Detail = $"account {scope.Account} region {scope.Region}: {result.Detail}" };
    }
}
