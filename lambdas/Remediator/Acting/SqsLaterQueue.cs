using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Remediator.Acting;

/// <summary>
/// The later queue in SQS: the event is the message body, unchanged (an operator reads it as the EventBridge event
/// it is); the mark goes in two Number message attributes. The queue's event source mapping hands it back to the
/// function (<see cref="LaterEnvelope"/>). The client is built on the first send: most invocations never send, and
/// a cold start need not load the SQS client.
/// </summary>
public sealed class SqsLaterQueue(Func<IAmazonSQS> client, string queueUrl) : ILaterQueue
{
    readonly Lazy<IAmazonSQS> sqs = new(client);

    public SqsLaterQueue(IAmazonSQS sqs, string queueUrl) : this(() => sqs, queueUrl)
    {
    }

    public const string LaterAttribute = "later";

    public const string SinceAttribute = "laterSince";

    public Task SendAsync(string @event, LaterMark mark, TimeSpan delay, CancellationToken cancellationToken) =>
        sqs.Value.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = queueUrl,
            MessageBody = @event,
            DelaySeconds = (int)Math.Clamp(delay.TotalSeconds, 0, 900),
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                [LaterAttribute] = Number(mark.Later),
                [SinceAttribute] = Number(mark.Since.ToUnixTimeSeconds()),
            },
        }, cancellationToken);

    static MessageAttributeValue Number(long value) =>
        new() { DataType = "Number", StringValue = value.ToString(CultureInfo.InvariantCulture) };
}
