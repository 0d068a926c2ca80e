using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LocalControlPlane.Documents;

namespace LocalControlPlane.Automation;

/// <summary>
/// Binds the values a caller gives (SSM's map of name → list of strings) to a document's declared parameters,
/// as SSM does before it runs anything: unknown names, missing required values, wrong shapes, and values that
/// break allowedPattern or allowedValues are rejected with <paramref name="errorCode"/>; absent parameters take
/// their defaults. Values come out typed: String → string, StringList → array of strings, MapList → array of
/// objects, StringMap → object, Integer → number, Boolean → bool.
/// </summary>
public static class ParameterBinder
{
    public static Dictionary<string, JsonNode> Bind(SsmDocument document, IReadOnlyDictionary<string, IReadOnlyList<string>> given, string errorCode)
    {
        var declared = document.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var unknown = given.Keys.FirstOrDefault(k => !declared.ContainsKey(k));
        if (unknown is not null)
            throw new ControlPlaneError(errorCode, $"Parameter \"{unknown}\" is not defined in the document {document.Name}");

        var bound = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var parameter in declared.Values)
        {
            var value = given.TryGetValue(parameter.Name, out var values)
                ? Convert(parameter, values, errorCode)
                : parameter.Default?.DeepClone() ?? throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" is required by the document {document.Name} and has no default");
            Check(parameter, value, errorCode);
            bound[parameter.Name] = value;
        }
        return bound;
    }

    /// <summary>A document parameter map as a runbook step writes it (string, number, bool or array values) in SSM's list form.</summary>
    public static Dictionary<string, IReadOnlyList<string>> FromStepInput(JsonObject? parameters)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (parameters is null) return result;
        foreach (var (name, value) in parameters)
            result[name] = value switch
            {
                JsonArray list => list.Select(Text).ToArray(),
                null => [""],
                _ => [Text(value)],
            };
        return result;
    }

    static string Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        null => "",
        _ => node.ToJsonString(),
    };

    static JsonNode Convert(DocumentParameter parameter, IReadOnlyList<string> values, string errorCode)
    {
        string Single() => values.Count == 1
            ? values[0]
            : throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" is of type {parameter.Type} and takes exactly one value, got {values.Count}");
        switch (parameter.Type)
        {
            case "String":
                return JsonValue.Create(Single());
            case "StringList":
                return new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            case "MapList":
                return new JsonArray(values.Select(v => (JsonNode?)ParseObject(parameter, v, errorCode)).ToArray());
            case "StringMap":
                return ParseObject(parameter, Single(), errorCode);
            case "Integer":
                return int.TryParse(Single(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                    ? JsonValue.Create(n)
                    : throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" is of type Integer; \"{values[0]}\" is not an integer");
            case "Boolean":
                return Single() switch
                {
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    var other => throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" is of type Boolean; \"{other}\" is not true or false"),
                };
            default:
                throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" has type {parameter.Type}, which the local control plane does not support");
        }
    }

    static JsonObject ParseObject(DocumentParameter parameter, string text, string errorCode)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" is of type {parameter.Type}; \"{text}\" is not a JSON object");
        }
    }

    static void Check(DocumentParameter parameter, JsonNode value, string errorCode)
    {
        var shapeOk = parameter.Type switch
        {
            "String" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
            "StringList" => value is JsonArray a && a.All(e => e is JsonValue ev && ev.GetValueKind() == JsonValueKind.String),
            "MapList" => value is JsonArray a && a.All(e => e is JsonObject),
            "StringMap" => value is JsonObject,
            "Integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
            "Boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            _ => false,
        };
        if (!shapeOk)
            throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" of type {parameter.Type} has a value of the wrong shape: {value.ToJsonString()}");

        var texts = value switch
        {
            JsonArray a when parameter.Type == "StringList" => a.Select(e => e!.GetValue<string>()).ToArray(),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            JsonValue v when parameter.Type == "Integer" => [v.ToJsonString()],
            _ => Array.Empty<string>(),
        };
        foreach (var text in texts)
        {
            if (parameter.AllowedPattern is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
                throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" value \"{text}\" does not match the allowed pattern {pattern}");
            if (parameter.AllowedValues.Count > 0 && !parameter.AllowedValues.Contains(text, StringComparer.Ordinal))
                throw new ControlPlaneError(errorCode, $"Parameter \"{parameter.Name}\" value \"{text}\" is not one of the allowed values {string.Join(", ", parameter.AllowedValues)}");
        }
    }
}
