using Amazon.SimpleSystemsManagement.Model;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>
/// The StartAutomationExecution request for a plan. One builder for the act step (<see cref="SsmActuator"/>) and
/// for <c>remediator plan --aws-cli</c>, so that what an operator starts by hand is what the function sends.
/// </summary>
public static class AutomationStart
{
    /// <param name="fixHost">False when another event already started the host fix on this container instance within the window.</param>
    public static StartAutomationExecutionRequest Request(Plan plan, bool fixHost, string runbookName, string? automationRoleArn) => new()
    {
        DocumentName = runbookName,
        Parameters = RunbookParameters.From(plan, fixHost, automationRoleArn),
        ClientToken = ClaimKeys.ClientToken(ClaimKeys.Event(plan)),
    };
}
