using Remediator.Diagnosing;

namespace Remediator.Planning;

/// <summary>What the Remediator decided about one event.</summary>
public enum Decision
{
    Ignore,
    Notify,
    Remediate,
}

/// <summary>A short, stable name for why a plan was made: a metric dimension and a log field.</summary>
public enum Cause
{
    NotAStoppedTask,
    ClusterNotAllowed,
    NoSignature,
    OtherDnsFailure,
    Fargate,
    NoTaskEni,
    ServerAnswered,
    AttemptLimit,
    InvalidEventField,
    LocalResolverUnreachable,
    MemberRoleUnavailable,
}

/// <summary>Something the act step is asked to do. Every field was validated by the planner.</summary>
public abstract record PlannedAction;

/// <summary>Run the host fix on the container instance the task failed on.</summary>
/// <param name="VerifyHost">The name the fix must resolve through the VPC resolver first, when the event gave a complete one.</param>
/// <param name="TaskDefinitionArn">The stopped task's task definition, when valid: the runbook reads the EFS file system
/// ids from it when the reason names no host (the efs-proxy forms).</param>
public sealed record FixHost(
    string ClusterArn,
    string ContainerInstanceArn,
    string Resolver,
    string? VerifyHost,
    string? TaskDefinitionArn) : PlannedAction;

/// <summary>Start the stopped standalone task again, on the safe capacity, marked with the attempt number.</summary>
/// <param name="OverridesJson">The task's overrides, all of them container overrides, as <c>{"containerOverrides":[...]}</c>
/// in compact JSON; null when it has none. A task whose overrides cannot be carried intact is not rescheduled.</param>
public sealed record Reschedule(
    string ClusterArn,
    string TaskArn,
    string TaskDefinitionArn,
    string Group,
    string StartedBy,
    int Attempt,
    string CapacityProvider,
    IReadOnlyList<string> Subnets,
    string? OverridesJson) : PlannedAction;

/// <summary>The plan step's output: a decision, a human reason, and the actions.</summary>
/// <param name="Execute">False in observe mode: the plan is reported but never acted on.</param>
/// <param name="NotRescheduled">Why a standalone task is not rescheduled although rescheduling is on (its overrides
/// cannot be carried intact, say): the reason says it too; the CLI repeats it beside a start that only fixes the host.</param>
public sealed record Plan(
    Decision Decision,
    Cause Cause,
    string Reason,
    Diagnosis Diagnosis,
    IReadOnlyList<PlannedAction> Actions,
    bool Execute,
    string? EventId = null,
    string? TaskArn = null,
    string? NotRescheduled = null)
{
    public FixHost? FixHost => Actions.OfType<FixHost>().FirstOrDefault();

    public Reschedule? Reschedule => Actions.OfType<Reschedule>().FirstOrDefault();
}
