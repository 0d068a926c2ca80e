using System.Globalization;
using System.Text.Json.Nodes;

namespace LocalControlPlane.Automation;

/// <summary>
/// The JSONPath subset SSM output selectors use: $ followed by .name, ['name'] and [index] segments, such as
/// $.containerInstances[0].ec2InstanceId. Anything else (wildcards, filters) is an error, not a guess.
/// </summary>
public static class JsonPathSelector
{
    /// <summary>The node the selector points at, or null when the path does not exist in <paramref name="root"/>.</summary>
    public static JsonNode? Select(JsonNode? root, string selector)
    {
        if (!selector.StartsWith('$')) throw new ArgumentException($"selector {selector} does not start with $");
        var node = root;
        var i = 1;
        while (i < selector.Length)
        {
            if (node is null) return null;
            if (selector[i] == '.')
            {
                var end = i + 1;
                while (end < selector.Length && selector[end] != '.' && selector[end] != '[') end++;
                var name = selector[(i + 1)..end];
                if (name.Length == 0 || name == "*") throw new ArgumentException($"selector {selector}: unsupported segment at {i}");
                node = node is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;
                i = end;
            }
            else if (selector[i] == '[')
            {
                var end = selector.IndexOf(']', i);
                if (end < 0) throw new ArgumentException($"selector {selector}: unclosed [");
                var inside = selector[(i + 1)..end];
                if (inside.Length >= 2 && inside[0] == '\'' && inside[^1] == '\'')
                    node = node is JsonObject o && o.TryGetPropertyValue(inside[1..^1], out var child) ? child : null;
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    node = node is JsonArray a && index < a.Count ? a[index] : null;
                else
                    throw new ArgumentException($"selector {selector}: unsupported segment [{inside}]");
                i = end + 1;
            }
            else
            {
                throw new ArgumentException($"selector {selector}: unexpected '{selector[i]}' at {i}");
            }
        }
        return node;
    }
}
