using System.Text.Json;
using System.Text.Json.Nodes;
using LocalControlPlane.Automation;
using LocalControlPlane.Documents;

namespace LocalControlPlane.Actions;

/// <summary>
/// Runs a Command document (schemaVersion 2.2, aws:runShellScript steps) on an instance as SSM Run Command
/// does: parameters bound and validated (InvalidParameters, nothing runs), {{ Param }} substituted into the
/// runCommand lines, the lines written to a script file and run with bash on the instance, and the exit code
/// reported as ResponseCode (0 → Success, other → Failed; a timeout → TimedOut).
/// </summary>
public sealed class CommandRunner(DocumentCatalog catalog, IInstanceShell shell, TextWriter? timeline = null)
{
    readonly List<CommandInvocation> invocations = [];
    readonly Lock gate = new();

    public IReadOnlyList<CommandInvocation> Invocations
    {
        get { lock (gate) return invocations.ToArray(); }
    }

    public async Task<CommandInvocation> RunAsync(string documentName, string instanceId, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters,
        TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var document = catalog.Get(documentName, "Command");
        if (document.SchemaVersion != "2.2")
            throw new ControlPlaneError("InvalidDocument", $"{documentName}: schemaVersion {document.SchemaVersion} is not run locally (2.2 is)");
        var bound = ParameterBinder.Bind(document, parameters, "InvalidParameters");
        var steps = (document.Content["mainSteps"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
        if (steps.Length == 0) throw new ControlPlaneError("InvalidDocument", $"{documentName}: no mainSteps");

        var commandId = Guid.NewGuid().ToString();
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        var scripts = new List<string>();
        var code = 0;
        var status = "Success";
        timeline?.WriteLine($"[control plane] run command {documentName} on {instanceId} ({commandId}): {string.Join(" ", bound.Select(p => $"{p.Key}={Text(p.Value)}"))}");
        foreach (var step in steps)
        {
            var action = step["action"]?.GetValue<string>();
            if (action != "aws:runShellScript")
                throw new ControlPlaneError("InvalidDocument", $"{documentName}: step {step["name"]} uses {action}, which the local control plane does not run");
            var lines = step["inputs"]?["runCommand"] switch
            {
                JsonArray a => a.Select(l => l?.GetValue<string>() ?? "").ToArray(),
                JsonValue v => v.GetValue<string>().Split('\n'),
                _ => throw new ControlPlaneError("InvalidDocument", $"{documentName}: step {step["name"]} has no runCommand"),
            };
            var script = string.Join("\n", Interpolator.Lines(lines, bound)) + "\n";
            scripts.Add(script);
            var stepTimeout = StepTimeout(step) ?? timeout ?? TimeSpan.FromHours(1);
            var (result, timedOut) = await RunScriptAsync(instanceId, commandId, script, stepTimeout, cancellationToken).ConfigureAwait(false);
            stdout.Append(result.Stdout);
            stderr.Append(result.Stderr);
            if (timedOut)
            {
                status = "TimedOut";
                code = -1;
                break;
            }
            code = result.ExitCode;
            if (code != 0)
            {
                status = "Failed";
                break;
            }
        }

        var invocation = new CommandInvocation
        {
            CommandId = commandId,
            DocumentName = documentName,
            InstanceId = instanceId,
            Status = status,
            ResponseCode = code,
            StandardOutput = stdout.ToString(),
            StandardError = stderr.ToString(),
            Script = string.Join("\n", scripts),
        };
        lock (gate) invocations.Add(invocation);
        timeline?.WriteLine($"[control plane] run command {documentName} on {instanceId}: {status}, exit code {code}");
        foreach (var line in invocation.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(5))
            timeline?.WriteLine($"[control plane]   stderr: {line}");
        if (invocation.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() is { } last)
            timeline?.WriteLine($"[control plane]   stdout: {last}");
        return invocation;
    }

    async Task<(ShellResult, bool TimedOut)> RunScriptAsync(string instanceId, string commandId, string script, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The agent's layout: one directory per command, the plugin's script in it.
        var directory = Path.Combine(Path.GetTempPath(), "ecs-dns-control-plane-" + commandId);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "_script.sh");
        try
        {
            await File.WriteAllTextAsync(path, script, cancellationToken).ConfigureAwait(false);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                return (await shell.RunScriptAsync(instanceId, path, limit.Token).ConfigureAwait(false), false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (new ShellResult(-1, "", $"timed out after {timeout.TotalSeconds} seconds\n"), true);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    static TimeSpan? StepTimeout(JsonObject step) => step["inputs"]?["timeoutSeconds"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => TimeSpan.FromSeconds(v.GetValue<int>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), out var s) => TimeSpan.FromSeconds(s),
        _ => null,
    };

    static string Text(JsonNode node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();
}
