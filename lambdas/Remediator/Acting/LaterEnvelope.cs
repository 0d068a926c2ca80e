using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Remediator.Acting;

/// <summary>
/// What one invocation carries: an EventBridge event (the rule's target), or a batch of the later queue's messages
/// (its event source mapping), each the event it waited with and its <see cref="LaterMark"/>. The SQS form is
/// Lambda's: <c>{"Records":[{"eventSource":"aws:sqs","body":...,"messageAttributes":{"later":{"stringValue":"1",
/// "dataType":"Number"}}}]}</c> (AWS Lambda Developer Guide, "Using Lambda with Amazon SQS", example event).
/// </summary>
public static class LaterEnvelope
{
    /// <summary>The events in <paramref name="input"/>; anything that is not an SQS batch is one event, as it is.</summary>
    public static IReadOnlyList<(byte[] Event, LaterMark? Mark)> Events(byte[] input)
    {
        try
        {
            using var document = JsonDocument.Parse(input);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array
                || records.GetArrayLength() == 0
                || !records.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("eventSource", out var source) && source.ValueEquals("aws:sqs")))
                return [(input, null)];
            return records.EnumerateArray().Select(r => (Body(r), Mark(r))).ToList();
        }
        catch (JsonException)
        {
            return [(input, null)];
        }
    }

    static byte[] Body(JsonElement record) =>
        record.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(body.GetString()!)
            : [];

    static LaterMark? Mark(JsonElement record) =>
        Number(record, SqsLaterQueue.LaterAttribute) is { } later && Number(record, SqsLaterQueue.SinceAttribute) is { } since
            && later is >= 1 and <= int.MaxValue && since is >= 0 and <= 253402300799
            ? new LaterMark((int)later, DateTimeOffset.FromUnixTimeSeconds(since))
            : null;

    static long? Number(JsonElement record, string name) =>
        record.TryGetProperty("messageAttributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object
        && attributes.TryGetProperty(name, out var attribute) && attribute.ValueKind == JsonValueKind.Object
        && attribute.TryGetProperty("stringValue", out var value) && value.ValueKind == JsonValueKind.String
        && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}
