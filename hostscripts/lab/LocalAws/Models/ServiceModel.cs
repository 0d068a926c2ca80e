using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalAws.Models;

/// <summary>
/// One AWS service as botocore's service-2.json describes it, judging an operation's input: required members,
/// member names, types (string, integer, long, double, float, boolean, blob, timestamp, list, map, structure),
/// min/max (string length in Unicode characters, list and map entries by count, numbers by value), enums and
/// patterns (<see cref="JavaPattern"/>), through nested shapes. A member the model does not define is a violation:
/// the SDKs (boto3 in aws:executeAwsApi included) refuse to send one.
/// </summary>
public sealed class ServiceModel
{
    static readonly ConcurrentDictionary<string, ServiceModel> Loaded = new(StringComparer.Ordinal);

    readonly JsonObject shapes;
    readonly JsonObject operations;

    ServiceModel(string service, JsonObject model)
    {
        Service = service;
        shapes = model["shapes"]!.AsObject();
        operations = model["operations"]!.AsObject();
        var metadata = model["metadata"]!.AsObject();
        TargetPrefix = metadata["targetPrefix"]?.GetValue<string>();
    }

    /// <summary>botocore's name of the service: "ssm", "dynamodb", "ecs", "sns".</summary>
    public string Service { get; }

    /// <summary>The X-Amz-Target prefix of a JSON-protocol service ("AmazonSSM"); null for query-protocol services.</summary>
    public string? TargetPrefix { get; }

    /// <summary>The service's model from <see cref="BotocoreData"/>, loaded once per process.</summary>
    public static ServiceModel Load(string service) => Loaded.GetOrAdd(service, s =>
    {
        var file = BotocoreData.ModelFile(s);
        using var stream = File.OpenRead(file);
        using var content = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : (Stream)stream;
        return new ServiceModel(s, JsonNode.Parse(content)!.AsObject());
    });

    public bool HasOperation(string operation) => operations.ContainsKey(operation);

    /// <summary>Every violation of <paramref name="operation"/>'s input model by <paramref name="input"/>, in document order.</summary>
    public IReadOnlyList<Violation> Validate(string operation, JsonObject input)
    {
        if (operations[operation] is not JsonObject definition)
            throw new ArgumentException($"{Service} has no operation {operation}", nameof(operation));
        var violations = new List<Violation>();
        if (definition["input"]?["shape"]?.GetValue<string>() is { } inputShape)
            Walk(inputShape, input, "", violations);
        else if (input.Count > 0)
            violations.Add(new Violation(operation, input.ToJsonString(), "Operation takes no input"));
        return violations;
    }

    /// <summary>
    /// The ValidationException message AWS answers for these violations ("2 validation errors detected: ...; ..."),
    /// or null when there are none.
    /// </summary>
    public static string? Message(IReadOnlyList<Violation> violations) => violations.Count == 0
        ? null
        : $"{violations.Count} validation error{(violations.Count == 1 ? "" : "s")} detected: {string.Join("; ", violations)}";

    void Walk(string shapeName, JsonNode? node, string path, List<Violation> violations)
    {
        var shape = shapes[shapeName]!.AsObject();
        var type = shape["type"]!.GetValue<string>();
        switch (type)
        {
            case "structure":
                if (node is not JsonObject structure) { violations.Add(TypeViolation(path, node, "a structure (JSON object)")); return; }
                var members = shape["members"]?.AsObject() ?? new JsonObject();
                foreach (var required in shape["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                    if (structure[required] is null)
                        violations.Add(new Violation(Join(path, Camel(required)), null, "Member must not be null"));
                foreach (var (name, value) in structure)
                {
                    if (members[name] is not JsonObject member)
                        violations.Add(new Violation(Join(path, Camel(name)), value?.ToJsonString(), $"Member is not defined in {shapeName}"));
                    else if (value is not null)
                        Walk(member["shape"]!.GetValue<string>(), value, Join(path, Camel(name)), violations);
                }
                return;
            case "list":
                if (node is not JsonArray list) { violations.Add(TypeViolation(path, node, "a list (JSON array)")); return; }
                Count(shape, list.Count, path, node, violations);
                var item = shape["member"]!["shape"]!.GetValue<string>();
                for (var i = 0; i < list.Count; i++) Walk(item, list[i], $"{path}.{i + 1}", violations);
                return;
            case "map":
                if (node is not JsonObject map) { violations.Add(TypeViolation(path, node, "a map (JSON object)")); return; }
                Count(shape, map.Count, path, node, violations);
                var keyShape = shape["key"]!["shape"]!.GetValue<string>();
                var valueShape = shape["value"]!["shape"]!.GetValue<string>();
                foreach (var (key, value) in map)
                {
                    Walk(keyShape, JsonValue.Create(key), Join(path, "key"), violations);
                    Walk(valueShape, value, Join(path, key), violations);
                }
                return;
            case "string":
                if (!IsKind(node, JsonValueKind.String)) { violations.Add(TypeViolation(path, node, "a string")); return; }
                var text = node!.GetValue<string>();
                Length(shape, text.EnumerateRunes().Count(), path, node, violations);
                if (shape["enum"] is JsonArray values && !values.Any(v => v!.GetValue<string>() == text))
                    violations.Add(new Violation(path, text, $"Member must satisfy enum value set: [{string.Join(", ", values.Select(v => v!.GetValue<string>()))}]"));
                if (shape["pattern"]?.GetValue<string>() is { } pattern && !JavaPattern.IsFullMatch(pattern, text))
                    violations.Add(new Violation(path, text, $"Member must satisfy regular expression pattern: {pattern}"));
                return;
            case "integer" or "long":
                if (!IsKind(node, JsonValueKind.Number) || !long.TryParse(node!.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                    || (type == "integer" && whole is < int.MinValue or > int.MaxValue))
                {
                    violations.Add(TypeViolation(path, node, $"an {type}"));
                    return;
                }
                Range(shape, whole, path, node, violations);
                return;
            case "double" or "float":
                if (!IsKind(node, JsonValueKind.Number)) violations.Add(TypeViolation(path, node, $"a {type}"));
                else Range(shape, node!.GetValue<double>(), path, node, violations);
                return;
            case "boolean":
                if (!IsKind(node, JsonValueKind.True) && !IsKind(node, JsonValueKind.False)) violations.Add(TypeViolation(path, node, "a boolean"));
                return;
            case "timestamp":
                // The JSON protocols send epoch seconds; ISO 8601 text is accepted as botocore also serializes it.
                if (!IsKind(node, JsonValueKind.Number) && !(IsKind(node, JsonValueKind.String) && DateTimeOffset.TryParse(node!.GetValue<string>(), CultureInfo.InvariantCulture, out _)))
                    violations.Add(TypeViolation(path, node, "a timestamp"));
                return;
            case "blob":
                if (!IsKind(node, JsonValueKind.String) || !IsBase64(node!.GetValue<string>())) violations.Add(TypeViolation(path, node, "a blob (base64 text)"));
                else Length(shape, Convert.FromBase64String(node!.GetValue<string>()).Length, path, node, violations);
                return;
            default:
                throw new NotSupportedException($"shape {shapeName} has type {type}, which the validator does not know");
        }
    }

    static void Length(JsonObject shape, long length, string path, JsonNode? node, List<Violation> violations)
    {
        if (shape["min"] is { } min && length < min.GetValue<long>())
            violations.Add(new Violation(path, Shown(node), $"Member must have length greater than or equal to {min}"));
        if (shape["max"] is { } max && length > max.GetValue<long>())
            violations.Add(new Violation(path, Shown(node), $"Member must have length less than or equal to {max}"));
    }

    static void Count(JsonObject shape, int count, string path, JsonNode? node, List<Violation> violations) =>
        Length(shape, count, path, node, violations);

    static void Range(JsonObject shape, double value, string path, JsonNode? node, List<Violation> violations)
    {
        if (shape["min"] is { } min && value < min.GetValue<double>())
            violations.Add(new Violation(path, Shown(node), $"Member must have value greater than or equal to {min}"));
        if (shape["max"] is { } max && value > max.GetValue<double>())
            violations.Add(new Violation(path, Shown(node), $"Member must have value less than or equal to {max}"));
    }

    static Violation TypeViolation(string path, JsonNode? node, string expected) =>
        new(path, node?.ToJsonString(), $"Member must be {expected}");

    static string? Shown(JsonNode? node) => IsKind(node, JsonValueKind.String) ? node!.GetValue<string>() : node?.ToJsonString();

    static bool IsKind(JsonNode? node, JsonValueKind kind) => node is JsonValue value && value.GetValueKind() == kind;

    static bool IsBase64(string text) => Convert.TryFromBase64String(text, new byte[text.Length], out _);

    static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
