using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infra.Tests;

/// <summary>
/// The part of EventBridge's pattern matching the rules here use: exact values, prefix, wildcard, exists,
/// anything-but, $or, nested objects, and arrays in the event (a match on any element matches).
/// </summary>
public static class EventPatternMatcher
{
    public static bool Matches(JsonObject pattern, JsonNode? @event)
    {
        foreach (var (key, expected) in pattern)
        {
            if (key == "$or")
            {
                if (!expected!.AsArray().Any(alternative => Matches(alternative!.AsObject(), @event)))
                    return false;
                continue;
            }

            var values = Values(@event, key).ToList();
            var ok = expected switch
            {
                JsonObject nested => values.Any(v => v is JsonObject && Matches(nested, v)),
                JsonArray allowed => MatchesAny(allowed, values),
                _ => throw new ArgumentException($"pattern field {key}: expected an object or an array"),
            };
            if (!ok)
                return false;
        }
        return true;
    }

    /// <summary>The field's values: an array in the event stands for each of its elements.</summary>
    static IEnumerable<JsonNode?> Values(JsonNode? @event, string key)
    {
        if (@event is JsonArray array)
            return array.SelectMany(item => Values(item, key));
        if (@event is JsonObject obj && obj.TryGetPropertyValue(key, out var value))
            return value is JsonArray items ? items.Select(i => i) : [value];
        return [];
    }

    static bool MatchesAny(JsonArray allowed, List<JsonNode?> values)
    {
        foreach (var rule in allowed)
        {
            if (rule is JsonObject filter)
            {
                var (op, argument) = filter.Single();
                var matched = op switch
                {
                    "exists" => (values.Count > 0) == argument!.GetValue<bool>(),
                    "prefix" => values.Any(v => Text(v) is { } t && t.StartsWith(argument!.GetValue<string>(), StringComparison.Ordinal)),
                    "wildcard" => values.Any(v => Text(v) is { } t && Wildcard(argument!.GetValue<string>()).IsMatch(t)),
                    "anything-but" => values.Count > 0 && values.All(v => !AnythingBut(argument!).Contains(Text(v))),
                    _ => throw new NotSupportedException($"pattern operator {op}"),
                };
                if (matched)
                    return true;
            }
            else if (values.Any(v => JsonNode.DeepEquals(v, rule)))
            {
                return true;
            }
        }
        return false;
    }

    static string? Text(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    static HashSet<string?> AnythingBut(JsonNode argument) =>
        argument is JsonArray list ? list.Select(Text).ToHashSet() : [Text(argument)];

    /// <summary>EventBridge wildcards: '*' is any run of characters, everything else is literal.</summary>
    static Regex Wildcard(string pattern) =>
        new("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.Singleline | RegexOptions.CultureInvariant);
}
