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
            ["ClusterArn"] = [fix.ClusterArn],
            ["ContainerInstanceArn"] = [fix.ContainerInstanceArn],
            ["FixHost"] = [fixHost ? "yes" : "no"],
            ["Resolver"] = [fix.Resolver],
            ["Reschedule"] = [reschedule is null ? "no" : "yes"],
        };
        if (fix.VerifyHost is not null) parameters["VerifyHost"] = [fix.VerifyHost];
        if ((reschedule?.TaskDefinitionArn ?? fix.TaskDefinitionArn) is { } taskDefinition)
            parameters["TaskDefinitionArn"] = [taskDefinition];
        if (automationRoleArn is not null) parameters["AutomationAssumeRole"] = [automationRoleArn];
        if (reschedule is null) return parameters;

        parameters["Group"] = [reschedule.Group];
        parameters["StartedBy"] = [reschedule.StartedBy];
        parameters["CapacityProvider"] = [reschedule.CapacityProvider];
        if (reschedule.Subnets.Count > 0) parameters["Subnets"] = [.. reschedule.Subnets];
        if (Planner.ContainerOverrideEntries(reschedule.OverridesJson) is { } overrides)
        {
            if (overrides.Any(o => o.Length > Planner.MaxParameterValueLength))
                throw new ArgumentException("a container override longer than an Automation parameter value may be; the planner does not reschedule such a task", nameof(plan));
            parameters["ContainerOverrides"] = [.. overrides];
        }
        return parameters;
    }
}
