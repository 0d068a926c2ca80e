using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalControlPlane.Automation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalControlPlane;

/// <summary>
/// SSM's JSON 1.1 protocol on 127.0.0.1 (a free port) for the real AWS SDK client (ServiceURL, any
/// credentials): StartAutomationExecution checks the runbook and parameters at once (errors answered as SSM
/// does) and runs the execution in the background, as SSM does; ClientToken is honoured (same token and
/// request → same execution; other request → IdempotentParameterMismatch). GetAutomationExecution reports it.
/// </summary>
public sealed class SsmEndpoint : IAsyncDisposable
{
    readonly WebApplication app;
    readonly AutomationExecutor executor;
    readonly ConcurrentDictionary<string, Task<AutomationExecution>> running = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, PreparedExecution> prepared = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, (string Fingerprint, string Id)> tokens = new(StringComparer.OrdinalIgnoreCase);
    readonly Lock startGate = new();
    readonly CancellationTokenSource stopping = new();

    SsmEndpoint(WebApplication app, AutomationExecutor executor)
    {
        this.app = app;
        this.executor = executor;
    }

    /// <summary>The base URL, such as http://127.0.0.1:41234/.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The executions started, by id, each completing when its run ends.</summary>
    public IReadOnlyDictionary<string, Task<AutomationExecution>> Executions => running;

    public static async Task<SsmEndpoint> StartAsync(AutomationExecutor executor)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var endpoint = new SsmEndpoint(app, executor);
        app.MapPost("/", endpoint.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        endpoint.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        return endpoint;
    }

    /// <summary>Waits for every execution started so far.</summary>
    public async Task<IReadOnlyList<AutomationExecution>> WaitForExecutionsAsync() =>
        await Task.WhenAll(running.Values).ConfigureAwait(false);

    async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            await WriteAsync(context, HttpStatusCode.BadRequest, Error("SerializationException", "the request body is not JSON")).ConfigureAwait(false);
            return;
        }
        try
        {
            var response = target switch
            {
                "AmazonSSM.StartAutomationExecution" => Start(body),
                "AmazonSSM.GetAutomationExecution" => Get(body),
                _ => throw new ControlPlaneError("UnknownOperationException", $"{target} is not implemented by the local control plane"),
            };
            await WriteAsync(context, HttpStatusCode.OK, response).ConfigureAwait(false);
        }
        catch (ControlPlaneError e)
        {
            await WriteAsync(context, HttpStatusCode.BadRequest, Error(e.Code, e.Message)).ConfigureAwait(false);
        }
    }

    JsonObject Start(JsonObject request)
    {
        var document = request["DocumentName"]?.GetValue<string>() ?? throw new ControlPlaneError("ValidationException", "DocumentName is required");
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in request["Parameters"] as JsonObject ?? [])
            parameters[key] = value is JsonArray list && list.All(v => v is JsonValue)
                ? list.Select(v => v!.GetValue<string>()).ToArray()
                : throw new ControlPlaneError("ValidationException", $"Parameter {key} must be a list of strings");
        var token = request["ClientToken"]?.GetValue<string>();
        var fingerprint = document + "\n" + string.Join("\n", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + string.Join("\u0001", p.Value)));

        lock (startGate)
        {
            if (token is not null && tokens.TryGetValue(token, out var earlier))
                return earlier.Fingerprint == fingerprint
                    ? new JsonObject { ["AutomationExecutionId"] = earlier.Id }
                    : throw new ControlPlaneError("IdempotentParameterMismatch", "Error returned when an idempotent operation is retried and the parameters don't match the original call to the API with the same idempotency token.");
            var execution = executor.Prepare(document, parameters);
            prepared[execution.Id] = execution;
            running[execution.Id] = Task.Run(() => executor.RunAsync(execution, stopping.Token));
            if (token is not null) tokens[token] = (fingerprint, execution.Id);
            return new JsonObject { ["AutomationExecutionId"] = execution.Id };
        }
    }

    JsonObject Get(JsonObject request)
    {
        var id = request["AutomationExecutionId"]?.GetValue<string>() ?? "";
        if (!running.TryGetValue(id, out var task) || !prepared.TryGetValue(id, out var start))
            throw new ControlPlaneError("AutomationExecutionNotFoundException", $"Automation execution {id} not found");
        var done = task.IsCompletedSuccessfully ? task.Result : null;
        var parameters = new JsonObject();
        foreach (var (key, value) in start.Parameters) parameters[key] = ListOf(value);
        var execution = new JsonObject
        {
            ["AutomationExecutionId"] = id,
            ["DocumentName"] = start.Runbook.Document.Name,
            ["AutomationExecutionStatus"] = done?.Status ?? (task.IsFaulted ? "Failed" : "InProgress"),
            ["ExecutionStartTime"] = start.StartedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["Parameters"] = parameters,
        };
        if (done is not null)
        {
            execution["ExecutionEndTime"] = done.EndedAt?.ToUnixTimeMilliseconds() / 1000.0;
            var outputs = new JsonObject();
            foreach (var (key, value) in done.Outputs) outputs[key] = ListOf(value);
            execution["Outputs"] = outputs;
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
        return new JsonObject { ["AutomationExecution"] = execution };
    }

    static JsonArray ListOf(JsonNode value) => value switch
    {
        JsonArray a => new JsonArray(a.Select(e => (JsonNode?)JsonValue.Create(e is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : e?.ToJsonString())).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => new JsonArray(JsonValue.Create(v.GetValue<string>())),
        _ => new JsonArray(JsonValue.Create(value.ToJsonString())),
    };

    static JsonObject Error(string type, string message) => new() { ["__type"] = type, ["message"] = message };

    static async Task WriteAsync(HttpContext context, HttpStatusCode status, JsonObject body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        if (status != HttpStatusCode.OK) context.Response.Headers["x-amzn-ErrorType"] = body["__type"]?.GetValue<string>();
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(running.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Executions still running when the endpoint stops end cancelled; their results are not wanted.
        }
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }
}
