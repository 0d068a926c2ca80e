using System.Text.Json.Nodes;
using LocalControlPlane.Automation;

namespace LocalControlPlane.Actions;

/// <summary>aws:executeAwsApi: calls Service.Api on a local service; the response is what the output selectors read.</summary>
public sealed class ExecuteAwsApiAction(IEnumerable<IAwsApi> services) : IStepAction
{
    readonly Dictionary<string, IAwsApi> services = services.ToDictionary(s => s.Service, StringComparer.OrdinalIgnoreCase);

    public string Action => "aws:executeAwsApi";

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken cancellationToken)
    {
        var service = context.Inputs["Service"]?.GetValue<string>();
        var api = context.Inputs["Api"]?.GetValue<string>();
        if (service is null || api is null) return StepResult.Failed("aws:executeAwsApi needs Service and Api");
        if (!services.TryGetValue(service, out var target))
            return StepResult.Failed($"service {service} is not modelled by the local control plane (known: {string.Join(", ", services.Keys)})");
        var request = new JsonObject(context.Inputs.Where(p => p.Key is not ("Service" or "Api")).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        try
        {
            var response = await target.InvokeAsync(api, request, cancellationToken).ConfigureAwait(false);
            return new StepResult { Succeeded = true, Response = response };
        }
        catch (ControlPlaneError e)
        {
            return StepResult.Failed($"{service}.{api}: {e.Code}: {e.Message}");
        }
    }
}
