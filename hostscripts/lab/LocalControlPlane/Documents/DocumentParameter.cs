using System.Text.Json.Nodes;

namespace LocalControlPlane.Documents;

/// <summary>A parameter an SSM document declares: type, default, and the rules SSM checks values against.</summary>
public sealed record DocumentParameter
{
    public required string Name { get; init; }

    /// <summary>String, StringList, MapList, StringMap, Integer or Boolean.</summary>
    public required string Type { get; init; }

    /// <summary>The default as the document writes it; null when the parameter is required.</summary>
    public JsonNode? Default { get; init; }

    public string? AllowedPattern { get; init; }

    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    public static DocumentParameter From(string name, JsonObject definition) => new()
    {
        Name = name,
        Type = definition["type"]?.GetValue<string>() ?? "String",
        Default = definition["default"]?.DeepClone(),
        AllowedPattern = definition["allowedPattern"]?.GetValue<string>(),
        AllowedValues = definition["allowedValues"] is JsonArray values
            ? values.Select(v => v?.ToString() ?? "").ToArray()
            : [],
    };
}
