using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Remediator.Events;

/// <summary>The parse step: an EventBridge envelope becomes a stopped task, or an ignore with a reason.</summary>
public abstract record ParseResult
{
    public sealed record Stopped(StoppedTask Task) : ParseResult;

    public sealed record Ignored(string Reason, string? EventId) : ParseResult;
}

/// <summary>
/// Reads ECS Task State Change events leniently: unknown fields are ignored, a field of an
/// unexpected JSON type counts as missing, and any readable JSON yields a result, never an
/// exception. Only unreadable input throws, always as <see cref="JsonException"/>: malformed JSON,
/// more than <see cref="MaxEventBytes"/>, or an escaped lone UTF-16 surrogate.
/// Raw bytes that are not UTF-8 are read as U+FFFD, as the ECS agent's Go JSON encoder writes them: a
/// reason cut inside a multi-byte character is still a reason.
/// </summary>
public static class EventParser
{
    public const string EcsSource = "aws.ecs";
    public const string TaskStateChange = "ECS Task State Change";
    public const string Stopped = "STOPPED";

    /// <summary>Lambda's limit for an asynchronous invocation's payload; an EventBridge event is at most 256 KB.</summary>
    public const int MaxEventBytes = 1024 * 1024;

    static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static ParseResult Parse(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Length > MaxEventBytes)
            throw new JsonException($"the event is {utf8Json.Length} bytes, more than Lambda takes for an asynchronous invocation ({MaxEventBytes} bytes)");
        var span = utf8Json.Span;
        if (span.StartsWith(Utf8Bom)) utf8Json = utf8Json[Utf8Bom.Length..];
        if (!Utf8.IsValid(utf8Json.Span))
            utf8Json = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8Json.Span));
        using var document = JsonDocument.Parse(utf8Json, Options);
        return Parse(document.RootElement);
    }

    public static async Task<ParseResult> ParseAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            // One byte over the limit is enough to refuse: the rest is never read into memory.
            buffer.Write(chunk, 0, Math.Min(read, MaxEventBytes + 1 - (int)buffer.Length));
            if (buffer.Length > MaxEventBytes)
                throw new JsonException($"the event is more than {MaxEventBytes} bytes, more than Lambda takes for an asynchronous invocation");
        }
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    /// <summary>Reads a parsed event; throws <see cref="JsonException"/> when a string in it is not valid UTF-16.</summary>
    public static ParseResult Parse(JsonElement root)
    {
        RequireText(root);
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
            Group = String(detail, "group"),
            StartedBy = String(detail, "startedBy"),
            StoppedReason = String(detail, "stoppedReason"),
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

    static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Decodes every name and string once, so that no later read can fail: an escaped lone surrogate
    /// ("\ud800") is grammatical JSON, but no string holds it (RFC 8259 §8.2 leaves its meaning open).
    /// </summary>
    static void RequireText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    element.GetString();
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        RequireText(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray()) RequireText(item);
                    break;
            }
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException($"a string in the event is not valid Unicode: {e.Message}", e);
        }
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
