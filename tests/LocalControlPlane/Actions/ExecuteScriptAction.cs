using System.Diagnostics;
using System.Text.Json.Nodes;
using LocalControlPlane.Automation;

namespace LocalControlPlane.Actions;

/// <summary>
/// aws:executeScript with a python3 runtime: runs Script with python3, calls Handler(InputPayload, None), and
/// answers {"Payload": result}; an exception fails the step with its message. Other runtimes, or no python3
/// on PATH, fail the step with a message saying so.
/// </summary>
public sealed class ExecuteScriptAction : IStepAction
{
    const string Wrapper = """
        import json, sys
        request = json.load(sys.stdin)
        scope = {}
        exec(request["script"], scope)
        result = scope[request["handler"]](request["payload"], None)
        sys.stdout.write(json.dumps({"Payload": result}))
        """;

    public string Action => "aws:executeScript";

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken cancellationToken)
    {
        var inputs = context.Inputs;
        var runtime = inputs["Runtime"]?.GetValue<string>() ?? "";
        if (!runtime.StartsWith("python3", StringComparison.Ordinal))
            return StepResult.Failed($"aws:executeScript runtime {runtime} is not run locally (python3.x is)");
        var request = new JsonObject
        {
            ["script"] = inputs["Script"]?.GetValue<string>() ?? "",
            ["handler"] = inputs["Handler"]?.GetValue<string>() ?? "",
            ["payload"] = inputs["InputPayload"]?.DeepClone() ?? new JsonObject(),
        };
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Wrapper);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return StepResult.Failed("aws:executeScript needs python3 on PATH to run locally");
        }
        using (process)
        {
            await process.StandardInput.WriteAsync(request.ToJsonString()).ConfigureAwait(false);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            if (process.ExitCode != 0)
            {
                var lines = (await stderr.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return StepResult.Failed(lines.Length > 0 ? lines[^1] : $"python3 exited with {process.ExitCode}");
            }
            return new StepResult { Succeeded = true, Response = JsonNode.Parse(await stdout.ConfigureAwait(false)) };
        }
    }
}
