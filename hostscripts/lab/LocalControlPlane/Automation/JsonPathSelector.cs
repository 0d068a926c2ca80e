using System.Globalization;
using System.Text.Json.Nodes;

namespace LocalControlPlane.Automation;

/// <summary>
/// The JSONPath operators Systems Manager Automation documents for Selector and PropertySelector: child
/// (.name, ['name']), deep scan (..name) and array index ([n]), after $ ("Using JSONPath in runbooks", Systems
/// Manager User Guide, automation-action-outputs-inputs). A deep scan collects every value of the key below the
/// node, in document order, and makes the result a list from there on, as the guide says ("always a JSON array"),
/// empty when nothing matches; later segments apply to each element. Anything else (wildcards, filters, slices)
/// is an error, not a guess.
/// </summary>
public static class JsonPathSelector
{
    /// <summary>
    /// The node the selector points at, or null when the path does not exist in <paramref name="root"/>; for a
    /// selector with a deep scan, the array of every node it reaches (possibly empty).
    /// </summary>
    public static JsonNode? Select(JsonNode? root, string selector)
    {
        if (!selector.StartsWith('$')) throw new ArgumentException($"selector {selector} does not start with $");
        List<JsonNode?> nodes = [root];
        var list = false;
        var i = 1;
        while (i < selector.Length)
        {
            if (selector.AsSpan(i).StartsWith(".."))
            {
                var (name, end) = Name(selector, i + 2);
                nodes = nodes.SelectMany(n => DeepScan(n, name)).ToList();
                list = true;
                i = end;
            }
            else if (selector[i] == '.')
            {
                var (name, end) = Name(selector, i + 1);
                nodes = nodes.Select(n => Child(n, name)).ToList();
                i = end;
            }
            else if (selector[i] == '[')
            {
                var end = selector.IndexOf(']', i);
                if (end < 0) throw new ArgumentException($"selector {selector}: unclosed [");
                var inside = selector[(i + 1)..end];
                if (inside.Length >= 2 && inside[0] == '\'' && inside[^1] == '\'')
                    nodes = nodes.Select(n => Child(n, inside[1..^1])).ToList();
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    nodes = nodes.Select(n => n is JsonArray a && index < a.Count ? a[index] : null).ToList();
                else
                    throw new ArgumentException($"selector {selector}: unsupported segment [{inside}]");
                i = end + 1;
            }
            else
            {
                throw new ArgumentException($"selector {selector}: unexpected '{selector[i]}' at {i}");
            }
            if (list) nodes = nodes.Where(n => n is not null).ToList();
        }
        return list ? new JsonArray(nodes.Select(n => n?.DeepClone()).ToArray()) : nodes[0];
    }

    static (string Name, int End) Name(string selector, int start)
    {
        var end = start;
        while (end < selector.Length && selector[end] != '.' && selector[end] != '[') end++;
        var name = selector[start..end];
        if (name.Length == 0 || name == "*") throw new ArgumentException($"selector {selector}: unsupported segment at {start}");
        return (name, end);
    }

    static JsonNode? Child(JsonNode? node, string name) =>
        node is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;

    /// <summary>Every value of <paramref name="name"/> below <paramref name="node"/>, in document order.</summary>
    static IEnumerable<JsonNode?> DeepScan(JsonNode? node, string name)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == name) yield return value;
                    foreach (var found in DeepScan(value, name)) yield return found;
                }
                break;
            case JsonArray a:
                foreach (var element in a)
                    foreach (var found in DeepScan(element, name)) yield return found;
                break;
        }
    }
}
