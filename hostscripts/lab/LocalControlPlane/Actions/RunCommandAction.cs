using System.Text.Json;
using System.Text.Json.Nodes;
using LocalControlPlane.Automation;

namespace LocalControlPlane.Actions;

/// <summary>
/// aws:runCommand: runs a Command document on the step's InstanceIds through <see cref="CommandRunner"/>.
/// Outputs as SSM's: CommandId, Status, ResponseCode (Integer) and Output (stdout, then stderr after SSM's
/// separator, cut at 2,500 characters). The step fails when the command did not succeed.
/// </summary>
public sealed class RunCommandAction(CommandRunner runner) : IStepAction
{
    const int OutputLimit = 2500;

    public string Action => "aws:runCommand";

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken cancellationToken)
    {
        var inputs = context.Inputs;
        var document = inputs["DocumentName"]?.GetValue<string>();
        if (document is null) return StepResult.Failed("aws:runCommand needs DocumentName");
        var instances = inputs["InstanceIds"] switch
        {
            JsonArray a => a.Select(i => i?.GetValue<string>() ?? "").ToArray(),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            _ => [],
        };
        if (instances.Length != 1 || string.IsNullOrEmpty(instances[0]))
            return StepResult.Failed($"aws:runCommand: the local control plane runs on exactly one instance; InstanceIds is {inputs["InstanceIds"]?.ToJsonString() ?? "missing"}");
        TimeSpan? timeout = inputs["TimeoutSeconds"] is JsonValue t ? TimeSpan.FromSeconds(int.Parse(t.ToString(), System.Globalization.CultureInfo.InvariantCulture)) : null;

        CommandInvocation invocation;
        try
        {
            invocation = await runner.RunAsync(document, instances[0], ParameterBinder.FromStepInput(inputs["Parameters"] as JsonObject), timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneError e)
        {
            return StepResult.Failed($"{e.Code}: {e.Message}");
        }

        var output = invocation.StandardOutput;
        if (invocation.StandardError.Length > 0) output += "\n----------ERROR-------\n" + invocation.StandardError;
        if (output.Length > OutputLimit) output = output[..OutputLimit];
        var outputs = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            ["CommandId"] = JsonValue.Create(invocation.CommandId),
            ["Status"] = JsonValue.Create(invocation.Status),
            ["ResponseCode"] = JsonValue.Create(invocation.ResponseCode),
            ["Output"] = JsonValue.Create(output),
        };
        return new StepResult
        {
            Succeeded = invocation.Status == "Success",
            FailureMessage = invocation.Status == "Success" ? null : $"command {invocation.CommandId} {invocation.Status} with exit code {invocation.ResponseCode}",
            Outputs = outputs,
            DocumentsRun = [document],
        };
    }
}
