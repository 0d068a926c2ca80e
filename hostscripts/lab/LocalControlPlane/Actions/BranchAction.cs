using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalControlPlane.Automation;

namespace LocalControlPlane.Actions;

/// <summary>
/// aws:branch: the first choice that holds names the next step, else Default; no match and no Default fails
/// the step, as SSM does. Choices compare a Variable with StringEquals, EqualsIgnoreCase, StartsWith,
/// EndsWith, Contains, NumericEquals/Greater/Lesser/GreaterOrEquals/LesserOrEquals or BooleanEquals, and
/// combine with And, Or and Not.
/// </summary>
public sealed class BranchAction : IStepAction
{
    static readonly string[] Operators =
    [
        "StringEquals", "EqualsIgnoreCase", "StartsWith", "EndsWith", "Contains", "NumericEquals", "NumericGreater",
        "NumericLesser", "NumericGreaterOrEquals", "NumericLesserOrEquals", "BooleanEquals",
    ];

    public string Action => "aws:branch";

    public Task<StepResult> RunAsync(StepContext context, CancellationToken cancellationToken)
    {
        var inputs = context.Inputs;
        foreach (var choice in inputs["Choices"] as JsonArray ?? [])
        {
            if (choice is not JsonObject c) return Task.FromResult(StepResult.Failed("a choice is not an object"));
            bool holds;
            try
            {
                holds = Holds(c);
            }
            catch (FormatException e)
            {
                return Task.FromResult(StepResult.Failed(e.Message));
            }
            if (holds)
                return Task.FromResult(new StepResult { Succeeded = true, NextStep = c["NextStep"]!.GetValue<string>() });
        }
        return Task.FromResult(inputs["Default"]?.GetValue<string>() is { } fallback
            ? new StepResult { Succeeded = true, NextStep = fallback }
            : StepResult.Failed("no choice matched and the branch has no Default"));
    }

    /// <summary>Whether one choice (or a nested And/Or/Not operand) holds.</summary>
    public static bool Holds(JsonObject choice)
    {
        if (choice["And"] is JsonArray all) return all.All(o => Holds(o as JsonObject ?? throw new FormatException("an And operand is not an object")));
        if (choice["Or"] is JsonArray any) return any.Any(o => Holds(o as JsonObject ?? throw new FormatException("an Or operand is not an object")));
        if (choice["Not"] is JsonObject not) return !Holds(not);

        var variable = choice["Variable"] ?? throw new FormatException("a choice has no Variable");
        var op = Operators.FirstOrDefault(choice.ContainsKey) ?? throw new FormatException($"a choice has no known operator ({string.Join(", ", choice.Select(p => p.Key))})");
        var expected = choice[op];
        return op switch
        {
            "StringEquals" => Text(variable) == Text(expected),
            "EqualsIgnoreCase" => string.Equals(Text(variable), Text(expected), StringComparison.OrdinalIgnoreCase),
            "StartsWith" => Text(variable).StartsWith(Text(expected), StringComparison.Ordinal),
            "EndsWith" => Text(variable).EndsWith(Text(expected), StringComparison.Ordinal),
            "Contains" => variable is JsonArray list ? list.Any(e => Text(e) == Text(expected)) : Text(variable).Contains(Text(expected), StringComparison.Ordinal),
            "BooleanEquals" => Boolean(variable) == Boolean(expected),
            _ => Compare(op, Number(variable), Number(expected)),
        };
    }

    static bool Compare(string op, decimal? left, decimal? right) => left is { } l && right is { } r && op switch
    {
        "NumericEquals" => l == r,
        "NumericGreater" => l > r,
        "NumericLesser" => l < r,
        "NumericGreaterOrEquals" => l >= r,
        _ => l <= r,
    };

    static string Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? "";

    static decimal? Number(JsonNode? node) =>
        decimal.TryParse(Text(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    static bool? Boolean(JsonNode? node) => Text(node).ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };
}
