using System.Text.Json;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>
/// The runbook's parameters (contracts.md table), built only from a plan's validated fields and the
/// configuration: nothing from the event reaches them except what the planner checked. Parameters a plan
/// has no value for are left out, so the runbook's defaults (subnets, security groups, topic) apply.
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
            ["VerifyHost"] = [fix.VerifyHost ?? ""],
            ["Reschedule"] = [reschedule is null ? "no" : "yes"],
        };
        if (automationRoleArn is not null) parameters["AutomationAssumeRole"] = [automationRoleArn];
        if (reschedule is null) return parameters;

        parameters["TaskDefinitionArn"] = [reschedule.TaskDefinitionArn];
        parameters["Group"] = [reschedule.Group];
        parameters["StartedBy"] = [reschedule.StartedBy];
        parameters["CapacityProvider"] = [reschedule.CapacityProvider];
        if (reschedule.Subnets.Count > 0) parameters["Subnets"] = [.. reschedule.Subnets];
        parameters["ContainerOverrides"] = ContainerOverrides(reschedule.OverridesJson);
        return parameters;
    }

    /// <summary>
    /// A MapList: one compact JSON object per container override, from the task's overrides (already
    /// re-serialized by the planner). Task-level overrides (cpu, memory, roles) are not carried: the
    /// runbook's RunTask takes container overrides only.
    /// </summary>
    static List<string> ContainerOverrides(string? overridesJson)
    {
        if (overridesJson is null) return [];
        using var document = JsonDocument.Parse(overridesJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("containerOverrides", out var list)
            || list.ValueKind != JsonValueKind.Array)
            return [];
        return list.EnumerateArray()
            .Where(o => o.ValueKind == JsonValueKind.Object)
            .Select(o => o.GetRawText())
            .ToList();
    }
}
