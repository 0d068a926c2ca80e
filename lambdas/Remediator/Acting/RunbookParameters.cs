using Remediation.Contracts;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>
/// The runbook's parameters, built only from a plan's validated fields and the configuration: nothing from
/// the event reaches them except what the planner checked. Parameters a plan has no value for are left out,
/// so the runbook's defaults (subnets, security groups, topic, an empty VerifyHost) apply:
/// StartAutomationExecution rejects an empty value, and one longer than 512 characters (botocore ssm model,
/// AutomationParameterValue min 1 max 512). The planner does not reschedule a task whose container overrides
/// would not fit.
/// </summary>
public static class RunbookParameters
{
    public static Dictionary<string, List<string>> From(Plan plan, bool fixHost, string? automationRoleArn)
    {
        var fix = plan.FixHost ?? throw new ArgumentException("a remediate plan always carries a fix-host action", nameof(plan));
        var reschedule = plan.Reschedule;
        var parameters = new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            [RunbookParameterNames.ClusterArn] = [fix.ClusterArn],
            [RunbookParameterNames.ContainerInstanceArn] = [fix.ContainerInstanceArn],
            [RunbookParameterNames.FixHost] = [YesNo.Text(fixHost)],
            [RunbookParameterNames.Resolver] = [fix.Resolver],
            [RunbookParameterNames.Reschedule] = [YesNo.Text(reschedule is not null)],
        };
        if (fix.VerifyHost is not null) parameters[RunbookParameterNames.VerifyHost] = [fix.VerifyHost];
        if ((reschedule?.TaskDefinitionArn ?? fix.TaskDefinitionArn) is { } taskDefinition)
            parameters[RunbookParameterNames.TaskDefinitionArn] = [taskDefinition];
        if (automationRoleArn is not null) parameters[RunbookParameterNames.AutomationAssumeRole] = [automationRoleArn];
        if (reschedule is null) return parameters;

        parameters[RunbookParameterNames.Group] = [reschedule.Group];
        parameters[RunbookParameterNames.StartedBy] = [reschedule.StartedBy];
        parameters[RunbookParameterNames.CapacityProvider] = [reschedule.CapacityProvider];
        if (reschedule.Subnets.Count > 0) parameters[RunbookParameterNames.Subnets] = [.. reschedule.Subnets];
        if (Planner.ContainerOverrideEntries(reschedule.OverridesJson) is { } overrides)
        {
            if (overrides.Any(o => o.Length > Planner.MaxParameterValueLength))
                throw new ArgumentException("a container override longer than an Automation parameter value may be; the planner does not reschedule such a task", nameof(plan));
            parameters[RunbookParameterNames.ContainerOverrides] = [.. overrides];
        }
        return parameters;
    }
}
