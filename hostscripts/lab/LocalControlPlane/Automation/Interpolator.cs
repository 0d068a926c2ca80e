using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LocalControlPlane.Automation;

/// <summary>
/// SSM's {{ Name }} substitution. A value that is exactly one placeholder takes the variable's type (a
/// StringList stays a list, a MapList a list of objects, an Integer a number); a placeholder inside other text
/// is replaced by the variable's text. Variables: parameters (Name), step outputs (Step.Output), and
/// automation:/global: variables. An undefined variable is an error, as SSM fails the step.
/// </summary>
public static partial class Interpolator
{
    public static JsonNode? Interpolate(JsonNode? node, IReadOnlyDictionary<string, JsonNode> variables) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Interpolate(p.Value, variables)))),
        JsonArray a => new JsonArray(a.Select(e => Interpolate(e, variables)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => InterpolateString(v.GetValue<string>(), variables),
        _ => node?.DeepClone(),
    };

    /// <summary>Interpolates one string: typed when it is exactly one placeholder, text otherwise.</summary>
    public static JsonNode InterpolateString(string text, IReadOnlyDictionary<string, JsonNode> variables)
    {
        var whole = Whole().Match(text);
        if (whole.Success) return Lookup(whole.Groups[1].Value, variables).DeepClone();
        return JsonValue.Create(Text(text, variables));
    }

    /// <summary>Replaces every placeholder in <paramref name="text"/> with the variable's text.</summary>
    public static string Text(string text, IReadOnlyDictionary<string, JsonNode> variables) =>
        Placeholder().Replace(text, m => TextOf(Lookup(m.Groups[1].Value, variables)));

    /// <summary>
    /// The runCommand lines of a Command document after substitution: a line that is exactly one placeholder of
    /// a StringList becomes one line per element (how SSM expands a commands parameter); other lines get text.
    /// </summary>
    public static IReadOnlyList<string> Lines(IEnumerable<string> lines, IReadOnlyDictionary<string, JsonNode> variables)
    {
        var result = new List<string>();
        foreach (var line in lines)
        {
            var whole = Whole().Match(line);
            if (whole.Success && Lookup(whole.Groups[1].Value, variables) is JsonArray list)
                result.AddRange(list.Select(e => TextOf(e!)));
            else
                result.Add(Text(line, variables));
        }
        return result;
    }

    static JsonNode Lookup(string name, IReadOnlyDictionary<string, JsonNode> variables) =>
        variables.TryGetValue(name, out var value)
            ? value
            : throw new ControlPlaneError("InvalidAutomationExecutionParametersException", $"variable {{{{ {name} }}}} is not defined (no such parameter, or the step that outputs it did not run)");

    static string TextOf(JsonNode value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>()
        : value.ToJsonString();

    [GeneratedRegex(@"^\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}$", RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
