using System.Text.Json.Nodes;

namespace LocalControlPlane.Actions;

/// <summary>
/// A local AWS service that aws:executeAwsApi calls: the request as the runbook writes it (the step's inputs
/// without Service and Api), the response as the real API returns it. Errors are <see cref="ControlPlaneError"/>
/// with the service's error code.
/// </summary>
public interface IAwsApi
{
    /// <summary>The Service value of aws:executeAwsApi: "ecs", "sns".</summary>
    string Service { get; }

    Task<JsonObject> InvokeAsync(string api, JsonObject request, CancellationToken cancellationToken);
}
