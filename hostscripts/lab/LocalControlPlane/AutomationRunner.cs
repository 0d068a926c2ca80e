using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalControlPlane.Automation;
using AwsError = LocalAws.AwsError;
using IAutomationRunner = LocalAws.IAutomationRunner;

namespace LocalControlPlane;

/// <summary>
/// Runs the executions a LocalAws endpoint's SSM starts on the <see cref="AutomationExecutor"/>, as SSM does:
/// the runbook and parameters are checked at once (a bad request is answered with SSM's error and nothing
/// runs), the run goes on in the background, and GetAutomationExecution reports its status, outputs and steps.
/// Disposing cancels the runs still going.
/// </summary>
public sealed class AutomationRunner(AutomationExecutor executor) : IAutomationRunner, IAsyncDisposable
{
    readonly ConcurrentDictionary<string, (PreparedExecution Prepared, Task<AutomationExecution> Run)> runs = new(StringComparer.Ordinal);
    readonly CancellationTokenSource stopping = new();

    public void Start(string executionId, string documentName, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters)
    {
        PreparedExecution prepared;
        try
        {
            prepared = executor.Prepare(documentName, parameters) with { Id = executionId };
        }
        catch (ControlPlaneError e)
        {
            throw new AwsError(HttpStatusCode.BadRequest, e.Code, e.Message);
        }
        runs[executionId] = (prepared, Task.Run(() => executor.RunAsync(prepared, stopping.Token)));
    }

    public JsonObject Describe(string executionId)
    {
        if (!runs.TryGetValue(executionId, out var run))
            throw new AwsError(HttpStatusCode.BadRequest, "AutomationExecutionNotFoundException", $"Automation execution {executionId} not found");
        var (prepared, task) = run;
        var done = task.IsCompletedSuccessfully ? task.Result : null;
        var execution = new JsonObject
        {
            ["AutomationExecutionStatus"] = done?.Status ?? (task.IsFaulted ? "Failed" : "InProgress"),
            ["Parameters"] = new JsonObject(prepared.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ListOf(p.Value)))),
        };
        if (done is not null)
        {
            execution["ExecutionEndTime"] = done.EndedAt?.ToUnixTimeMilliseconds() / 1000.0;
            execution["Outputs"] = new JsonObject(done.Outputs.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)ListOf(o.Value))));
            execution["StepExecutions"] = new JsonArray(done.Steps.Select(s => (JsonNode?)new JsonObject
            {
                ["StepName"] = s.StepName,
                ["Action"] = s.Action,
                ["StepStatus"] = s.Status,
                ["FailureMessage"] = s.FailureMessage,
                ["Outputs"] = new JsonObject(s.Outputs.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)ListOf(o.Value)))),
            }).ToArray());
            if (done.FailureMessage is { } failure) execution["FailureMessage"] = failure;
        }
        else if (task.Exception is { } e)
        {
            execution["FailureMessage"] = e.InnerException?.Message ?? e.Message;
        }
        return execution;
    }

    /// <summary>Waits for every execution started so far.</summary>
    public async Task<IReadOnlyList<AutomationExecution>> WaitForExecutionsAsync() =>
        await Task.WhenAll(runs.Values.Select(r => r.Run)).ConfigureAwait(false);

    // SSM reports every parameter and output as a list of strings.
    static JsonArray ListOf(JsonNode value) => value switch
    {
        JsonArray a => new JsonArray(a.Select(e => (JsonNode?)JsonValue.Create(e is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : e?.ToJsonString())).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => new JsonArray(JsonValue.Create(v.GetValue<string>())),
        _ => new JsonArray(JsonValue.Create(value.ToJsonString())),
    };

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(runs.Values.Select(r => r.Run)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Executions still running when the runner stops end cancelled; their results are not wanted.
        }
        stopping.Dispose();
    }
}
