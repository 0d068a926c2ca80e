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
        var acting = ActuatorSettings.From(key => key switch
        {
            RemediatorEnvironment.RunbookName => config.GetValueOrDefault(key) ?? DeployedRunbookName,
            // The function's settings require its claims table; starting a runbook by hand takes no claim, so a
            // config without one is complete here. The name is never sent anywhere.
            RemediatorEnvironment.ClaimsTable => config.GetValueOrDefault(key) ?? "claims-not-used",
            _ => config.GetValueOrDefault(key),
        });
        var request = AutomationStart.Request(plan, fixHost: true, acting.RunbookName, acting.AutomationRoleArn);
        var marshalled = StartAutomationExecutionRequestMarshaller.Instance.Marshall(request);
        var body = marshalled.Content is { } bytes ? JsonNode.Parse(bytes) : JsonNode.Parse(marshalled.ContentStream);
        return body!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
