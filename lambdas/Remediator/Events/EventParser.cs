using System.Text.Json;

namespace Remediator.Events;

/// <summary>The parse step: an EventBridge envelope becomes a stopped task, or an ignore with a reason.</summary>
public abstract record ParseResult
{
    public sealed record Stopped(StoppedTask Task) : ParseResult;

    public sealed record Ignored(string Reason, string? EventId) : ParseResult;
}

/// <summary>
/// Reads ECS Task State Change events leniently: unknown fields are ignored, a field of an
/// unexpected JSON type counts as missing, and any well-formed JSON yields a result, never an
/// exception. Only malformed JSON throws (<see cref="JsonException"/>).
/// </summary>
public static class EventParser
{
    public const string EcsSource = "aws.ecs";
    public const string TaskStateChange = "ECS Task State Change";
    public const string Stopped = "STOPPED";

    static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static ParseResult Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json, Options);
        return Parse(document.RootElement);
    }

    public static async Task<ParseResult> ParseAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        using var document = await JsonDocument.ParseAsync(stream, Options, cancellationToken).ConfigureAwait(false);
        return Parse(document.RootElement);
    }

    public static ParseResult Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return new ParseResult.Ignored($"not an EventBridge event: the JSON is {Describe(root.ValueKind)}, not an object", null);

        var eventId = String(root, "id");
        var source = String(root, "source");
        if (source != EcsSource)
            return new ParseResult.Ignored($"source is {Quote(source)}, not {EcsSource}", eventId);

        var detailType = String(root, "detail-type");
        if (detailType != TaskStateChange)
            return new ParseResult.Ignored($"detail-type is {Quote(detailType)}, not {TaskStateChange}", eventId);

        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
            return new ParseResult.Ignored("the event has no detail object", eventId);

        var lastStatus = String(detail, "lastStatus");
        if (lastStatus != Stopped)
            return new ParseResult.Ignored($"lastStatus is {Quote(lastStatus)}, not {Stopped}", eventId);

        return new ParseResult.Stopped(new StoppedTask
        {
            EventId = eventId ?? "",
            Region = String(root, "region"),
            Account = String(root, "account"),
            ClusterArn = String(detail, "clusterArn"),
            TaskArn = String(detail, "taskArn"),
            TaskDefinitionArn = String(detail, "taskDefinitionArn"),
            ContainerInstanceArn = String(detail, "containerInstanceArn"),
            LaunchType = String(detail, "launchType"),
            CapacityProviderName = String(detail, "capacityProviderName"),
            Group = String(detail, "group"),
            StartedBy = String(detail, "startedBy"),
            StopCode = String(detail, "stopCode"),
            StoppedReason = String(detail, "stoppedReason"),
            Version = detail.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null,
            Attachments = Attachments(detail),
            Containers = Containers(detail),
            OverridesJson = detail.TryGetProperty("overrides", out var o) && o.ValueKind == JsonValueKind.Object ? o.GetRawText() : null,
        });
    }

    static List<Attachment> Attachments(JsonElement detail)
    {
        var list = new List<Attachment>();
        foreach (var item in Array(detail, "attachments"))
        {
            if (item.ValueKind != JsonValueKind.Object) continue;
            var details = new List<KeyValuePair<string, string>>();
            foreach (var pair in Array(item, "details"))
            {
                if (String(pair, "name") is { } name && String(pair, "value") is { } value)
                    details.Add(new(name, value));
            }
            list.Add(new Attachment(String(item, "type"), details));
        }
        return list;
    }

    static List<ContainerReason> Containers(JsonElement detail)
    {
        var list = new List<ContainerReason>();
        foreach (var item in Array(detail, "containers"))
            if (item.ValueKind == JsonValueKind.Object)
                list.Add(new ContainerReason(String(item, "name"), String(item, "reason")));
        return list;
    }

    static JsonElement.ArrayEnumerator Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : default;

    static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    static string Quote(string? value) => value is null ? "missing" : $"\"{Printable.Truncate(value, 64)}\"";

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
