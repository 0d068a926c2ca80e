using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalControlPlane.Automation;

/// <summary>An output a step declares: a name, a JSONPath selector into the step's response, and a type.</summary>
public sealed record StepOutput(string Name, string Selector, string Type);

/// <summary>One step of an Automation runbook (schemaVersion 0.3), with SSM's defaults.</summary>
public sealed record AutomationStep
{
    public required string Name { get; init; }

    public required string Action { get; init; }

    public JsonObject Inputs { get; init; } = [];

    public IReadOnlyList<StepOutput> Outputs { get; init; } = [];

    public string? NextStep { get; init; }

    public bool IsEnd { get; init; }

    /// <summary>Abort (SSM's default), Continue, or step:NAME.</summary>
    public string OnFailure { get; init; } = "Abort";

    /// <summary>A critical step's failure makes the execution Failed even when onFailure continues it.</summary>
    public bool IsCritical { get; init; } = true;

    public int MaxAttempts { get; init; } = 1;

    public int? TimeoutSeconds { get; init; }

    public static AutomationStep From(JsonObject step, string documentName)
    {
        string? Text(string key) => step[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        bool Flag(string key, bool fallback) => step[key] switch
        {
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => bool.Parse(v.GetValue<string>()),
            _ => fallback,
        };
        int? Number(string key) => step[key] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<int>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => int.Parse(v.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };

        var name = Text("name") ?? throw new ControlPlaneError("InvalidDocumentContent", $"{documentName}: a step has no name");
        return new AutomationStep
        {
            Name = name,
            Action = Text("action") ?? throw new ControlPlaneError("InvalidDocumentContent", $"{documentName}: step {name} has no action"),
            Inputs = step["inputs"] as JsonObject ?? [],
            Outputs = step["outputs"] is JsonArray outputs
                ? outputs.OfType<JsonObject>().Select(o => new StepOutput(
                    o["Name"]?.GetValue<string>() ?? "", o["Selector"]?.GetValue<string>() ?? "", o["Type"]?.GetValue<string>() ?? "String")).ToArray()
                : [],
            NextStep = Text("nextStep"),
            IsEnd = Flag("isEnd", false),
            OnFailure = Text("onFailure") ?? "Abort",
            IsCritical = Flag("isCritical", true),
            MaxAttempts = Number("maxAttempts") ?? 1,
            TimeoutSeconds = Number("timeoutSeconds"),
        };
    }
}
