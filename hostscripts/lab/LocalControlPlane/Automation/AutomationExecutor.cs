using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalControlPlane.Documents;

namespace LocalControlPlane.Automation;

/// <summary>A runbook with bound parameters, checked and ready to run (what StartAutomationExecution accepted).</summary>
public sealed record PreparedExecution
{
    public required string Id { get; init; }

    public required AutomationRunbook Runbook { get; init; }

    public required IReadOnlyDictionary<string, JsonNode> Parameters { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
}

/// <summary>
/// Runs Automation runbooks from a <see cref="DocumentCatalog"/> the way SSM Automation does: parameters
/// bound and validated first (a bad value is InvalidAutomationExecutionParametersException and nothing runs),
/// then steps in order with nextStep / isEnd, onFailure Abort / Continue / step:NAME, isCritical, maxAttempts,
/// timeoutSeconds, and {{ }} interpolation of parameters and earlier steps' outputs. Each step type is an
/// <see cref="IStepAction"/>; a document using any other type is rejected before it runs.
/// </summary>
public sealed class AutomationExecutor
{
    public const string ParametersError = "InvalidAutomationExecutionParametersException";

    readonly DocumentCatalog catalog;
    readonly Dictionary<string, IStepAction> actions;
    readonly TextWriter? timeline;
    readonly TimeProvider clock;

    public AutomationExecutor(DocumentCatalog catalog, IEnumerable<IStepAction> actions, TextWriter? timeline = null, TimeProvider? clock = null)
    {
        this.catalog = catalog;
        this.actions = actions.ToDictionary(a => a.Action, StringComparer.Ordinal);
        this.timeline = timeline;
        this.clock = clock ?? TimeProvider.System;
    }

    public IReadOnlySet<string> SupportedActions => actions.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>Checks the document and binds the parameters; throws <see cref="ControlPlaneError"/> as SSM would answer.</summary>
    public PreparedExecution Prepare(string documentName, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters)
    {
        var document = catalog.Get(documentName, "Automation");
        var runbook = AutomationRunbook.From(document, SupportedActions);
        return new PreparedExecution
        {
            Id = Guid.NewGuid().ToString(),
            Runbook = runbook,
            Parameters = ParameterBinder.Bind(document, parameters, ParametersError),
            StartedAt = clock.GetUtcNow(),
        };
    }

    /// <summary>Prepares and runs to the end.</summary>
    public Task<AutomationExecution> RunAsync(string documentName, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters, CancellationToken cancellationToken = default) =>
        RunAsync(Prepare(documentName, parameters), cancellationToken);

    public async Task<AutomationExecution> RunAsync(PreparedExecution prepared, CancellationToken cancellationToken = default)
    {
        var runbook = prepared.Runbook;
        var variables = new Dictionary<string, JsonNode>(prepared.Parameters, StringComparer.Ordinal)
        {
            ["automation:EXECUTION_ID"] = JsonValue.Create(prepared.Id),
            ["automation:DOCUMENT_NAME"] = JsonValue.Create(runbook.Document.Name),
            ["global:REGION"] = JsonValue.Create(catalog.Account.Region),
            ["global:ACCOUNT_ID"] = JsonValue.Create(catalog.Account.AccountId),
            ["global:AWS_PARTITION"] = JsonValue.Create(catalog.Account.Partition),
            ["global:DATE_TIME"] = JsonValue.Create(prepared.StartedAt.ToString("yyyy-MM-dd_HH.mm.ss", System.Globalization.CultureInfo.InvariantCulture)),
        };
        var steps = new List<StepExecution>();
        var documents = new List<string> { runbook.Document.Name };
        string? failure = null;
        var criticalFailed = false;
        Log($"{runbook.Document.Name} execution {prepared.Id} started: {Describe(prepared.Parameters)}");

        var index = 0;
        while (index >= 0 && index < runbook.Steps.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = runbook.Steps[index];
            var (execution, result) = await RunStepAsync(step, variables, prepared, cancellationToken).ConfigureAwait(false);
            steps.Add(execution);
            documents.AddRange(result.DocumentsRun);
            foreach (var (name, value) in execution.Outputs) variables[$"{step.Name}.{name}"] = value;
            Log($"  step {step.Name} ({step.Action}): {execution.Status}{Summary(execution)}");

            if (execution.Status == "Success")
            {
                index = result.NextStep is { } branchTo ? runbook.IndexOf(branchTo)
                    : step.IsEnd ? -1
                    : step.NextStep is { } next ? runbook.IndexOf(next)
                    : index + 1;
                continue;
            }

            if (step.IsCritical) criticalFailed = true;
            if (step.OnFailure == "Abort")
            {
                failure = $"Step {step.Name} failed: {execution.FailureMessage}";
                break;
            }
            failure ??= step.IsCritical ? $"Step {step.Name} failed: {execution.FailureMessage}" : null;
            index = step.OnFailure.StartsWith("step:", StringComparison.Ordinal) ? runbook.IndexOf(step.OnFailure[5..])
                : step.IsEnd ? -1
                : step.NextStep is { } after ? runbook.IndexOf(after)
                : index + 1;
        }

        var status = criticalFailed ? "Failed" : "Success";
        var outputs = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var declared in runbook.Document.Content["outputs"] as JsonArray ?? [])
            if (declared?.GetValue<string>() is { } name && variables.TryGetValue(name, out var value) && name.Contains('.'))
                outputs[name] = value.DeepClone();
        Log($"{runbook.Document.Name} execution {prepared.Id} ended: {status}{(failure is null ? "" : " (" + failure + ")")}");
        return new AutomationExecution
        {
            Id = prepared.Id,
            DocumentName = runbook.Document.Name,
            Status = status,
            Parameters = prepared.Parameters,
            Steps = steps,
            Outputs = outputs,
            DocumentsRun = documents,
            FailureMessage = status == "Failed" ? failure : null,
            StartedAt = prepared.StartedAt,
            EndedAt = clock.GetUtcNow(),
        };
    }

    async Task<(StepExecution, StepResult)> RunStepAsync(AutomationStep step, Dictionary<string, JsonNode> variables, PreparedExecution prepared, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        JsonObject inputs;
        try
        {
            inputs = (JsonObject)Interpolator.Interpolate(step.Inputs, variables)!;
        }
        catch (ControlPlaneError e)
        {
            return (Failed(step, started, e.Message, null), StepResult.Failed(e.Message));
        }

        var action = actions[step.Action];
        StepResult result = StepResult.Failed("not run");
        for (var attempt = 1; attempt <= Math.Max(1, step.MaxAttempts); attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (step.TimeoutSeconds is { } seconds) timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
            var context = new StepContext { Step = step, Inputs = inputs, ExecutionId = prepared.Id, DocumentName = prepared.Runbook.Document.Name };
            try
            {
                result = await action.RunAsync(context, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (new StepExecution
                {
                    StepName = step.Name, Action = step.Action, Status = "TimedOut", Inputs = inputs,
                    FailureMessage = $"Step timed out after {step.TimeoutSeconds} seconds", StartedAt = started, EndedAt = clock.GetUtcNow(),
                }, StepResult.Failed("timed out"));
            }
            catch (ControlPlaneError e)
            {
                result = StepResult.Failed($"{e.Code}: {e.Message}");
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                // What the action stands on broke (the lab hook, a file): SSM reports an internal failure of the step.
                result = StepResult.Failed($"InternalFailure: {e.Message}");
            }
            if (result.Succeeded) break;
        }

        var outputs = new Dictionary<string, JsonNode>(result.Outputs, StringComparer.Ordinal);
        var failure = result.FailureMessage;
        if (result.Succeeded)
        {
            foreach (var output in step.Outputs)
            {
                try
                {
                    var selected = JsonPathSelector.Select(result.Response, output.Selector);
                    if (selected is null)
                    {
                        failure = $"output {output.Name}: selector {output.Selector} matched nothing in the response";
                        break;
                    }
                    outputs[output.Name] = Typed(selected, output.Type);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
                {
                    failure = $"output {output.Name}: {e.Message}";
                    break;
                }
            }
        }
        var status = result.Succeeded && failure is null ? "Success" : "Failed";
        return (new StepExecution
        {
            StepName = step.Name,
            Action = step.Action,
            Status = status,
            Outputs = outputs,
            FailureMessage = status == "Failed" ? failure ?? "failed" : null,
            Inputs = inputs,
            StartedAt = started,
            EndedAt = clock.GetUtcNow(),
        }, result);
    }

    static StepExecution Failed(AutomationStep step, DateTimeOffset started, string message, JsonNode? inputs) => new()
    {
        StepName = step.Name, Action = step.Action, Status = "Failed", FailureMessage = message, Inputs = inputs,
        StartedAt = started, EndedAt = started,
    };

    /// <summary>An output value converted to its declared type, as SSM does (a mismatch fails the step).</summary>
    static JsonNode Typed(JsonNode value, string type) => type switch
    {
        "String" => value is JsonValue v
            ? JsonValue.Create(v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString())
            : throw new FormatException($"a {value.GetValueKind()} is not a String"),
        "Integer" => value is JsonValue n && (n.GetValueKind() == JsonValueKind.Number || (n.GetValueKind() == JsonValueKind.String && int.TryParse(n.GetValue<string>(), out _)))
            ? JsonValue.Create(n.GetValueKind() == JsonValueKind.Number ? n.GetValue<int>() : int.Parse(n.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
            : throw new FormatException($"{value.ToJsonString()} is not an Integer"),
        "Boolean" => value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.DeepClone()
            : throw new FormatException($"{value.ToJsonString()} is not a Boolean"),
        "StringList" => value is JsonArray a && a.All(e => e is JsonValue ev && ev.GetValueKind() == JsonValueKind.String)
            ? value.DeepClone()
            : throw new FormatException($"{value.ToJsonString()} is not a StringList"),
        "MapList" => value is JsonArray m && m.All(e => e is JsonObject)
            ? value.DeepClone()
            : throw new FormatException($"{value.ToJsonString()} is not a MapList"),
        "StringMap" => value is JsonObject ? value.DeepClone() : throw new FormatException($"{value.ToJsonString()} is not a StringMap"),
        _ => throw new FormatException($"output type {type} is not supported"),
    };

    static string Summary(StepExecution step)
    {
        var parts = step.Outputs.Where(o => o.Key != "Output").Select(o => $"{o.Key}={(o.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : o.Value.ToJsonString())}");
        var text = string.Join(", ", parts);
        if (step.FailureMessage is { } f) text = text.Length > 0 ? $"{text}; {f}" : f;
        return text.Length > 0 ? " (" + text + ")" : "";
    }

    static string Describe(IReadOnlyDictionary<string, JsonNode> parameters) =>
        string.Join(", ", parameters.Where(p => p.Key is not ("AutomationAssumeRole" or "NotificationTopicArn" or "ContainerOverrides" or "Subnets" or "SecurityGroups"))
            .Select(p => $"{p.Key}={(p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : p.Value.ToJsonString())}"));

    void Log(string line)
    {
        if (timeline is null) return;
        lock (timeline) timeline.WriteLine($"[control plane] {line}");
    }
}
