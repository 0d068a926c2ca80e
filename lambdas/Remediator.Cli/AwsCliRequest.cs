using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SimpleSystemsManagement.Model.Internal.MarshallTransformations;
using Remediation.Contracts;
using Remediator.Acting;
using Remediator.Planning;

namespace Remediator.Cli;

/// <summary>
/// <c>plan --aws-cli</c>: the StartAutomationExecution request the function sends for a plan, as the JSON that
/// <c>aws ssm start-automation-execution --cli-input-json</c> takes. The request comes from the act step's own
/// builder (<see cref="AutomationStart"/>) and is marshalled by the AWS SDK exactly as the function's call is: a
/// JSON-protocol body names each member as the API model does, which is also what --cli-input-json reads.
/// Kept apart from <see cref="PlanCommand"/> so that a plain <c>plan</c> never loads the AWS SDK.
/// </summary>
public static class AwsCliRequest
{
    /// <summary>The runbook the default deployment creates: used when --config names none.</summary>
    public static readonly string DeployedRunbookName = RemediationDocuments.Runbook(RemediationDocuments.DefaultStackName);

    /// <summary>
    /// The request as indented JSON. It is the function's request for the first failure on its container
    /// instance within the window (FixHost=yes); a later one within the window only reschedules.
    /// </summary>
    /// <exception cref="SettingsException">The runbook name or role ARN in <paramref name="config"/> is not valid.</exception>
    public static string Json(Plan plan, IReadOnlyDictionary<string, string> config)
    {
        var member = MemberRoleArn(plan, config) is not null;
        var acting = ActuatorSettings.From(key => key switch
        {
            RemediatorEnvironment.RunbookName => config.GetValueOrDefault(key) ?? DeployedRunbookName,
            // The function's settings require its claims table; starting a runbook by hand takes no claim, so a
            // config without one is complete here. The name is never sent anywhere.
            RemediatorEnvironment.ClaimsTable => config.GetValueOrDefault(key) ?? "claims-not-used",
            _ => config.GetValueOrDefault(key),
        });
        // As MemberActuator: a member's runbook carries its own role as the AutomationAssumeRole default.
        var request = member
            ? AutomationStart.Request(plan, fixHost: true, OrganizationSettings.From(key => config.GetValueOrDefault(key))!.MemberRunbookName, null)
            : AutomationStart.Request(plan, fixHost: true, acting.RunbookName, acting.AutomationRoleArn);
        var marshalled = StartAutomationExecutionRequestMarshaller.Instance.Marshall(request);
        var body = marshalled.Content is { } bytes ? JsonNode.Parse(bytes) : JsonNode.Parse(marshalled.ContentStream);
        return body!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// With an organization hub's settings in <paramref name="config"/>, the member access role that the function
    /// would assume for <paramref name="plan"/>: the request is then the member runbook's, to start in that
    /// account and Region. Null for the hub's own account, which the CLI cannot tell apart by Region (the hub
    /// account's other Regions go through their member role in the function).
    /// </summary>
    /// <exception cref="SettingsException">Only some of the organization settings are in <paramref name="config"/>.</exception>
    public static string? MemberRoleArn(Plan plan, IReadOnlyDictionary<string, string> config) =>
        OrganizationSettings.From(key => config.GetValueOrDefault(key)) is { } organization
        && AccountScope.Of(plan) is { } scope && scope.Account != organization.HubAccount
            ? organization.MemberRoleArn(scope)
            : null;
}
