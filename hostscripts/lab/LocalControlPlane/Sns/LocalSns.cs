using System.Text.Json.Nodes;
using LocalControlPlane.Actions;

namespace LocalControlPlane.Sns;

/// <summary>A message published to a topic.</summary>
public sealed record Notification(string MessageId, string TopicArn, string? Subject, string Message);

/// <summary>SNS Publish to the topics the templates define: recorded as notifications, with SNS's errors for an unknown topic or a bad message.</summary>
public sealed class LocalSns(IEnumerable<string> topicArns, TextWriter? timeline = null) : IAwsApi
{
    readonly HashSet<string> topics = topicArns.ToHashSet(StringComparer.Ordinal);
    readonly List<Notification> notifications = [];
    readonly Lock gate = new();

    public string Service => "sns";

    public IReadOnlyList<Notification> Notifications
    {
        get { lock (gate) return notifications.ToArray(); }
    }

    public Task<JsonObject> InvokeAsync(string api, JsonObject request, CancellationToken cancellationToken)
    {
        if (api != "Publish") throw new ControlPlaneError("InvalidAction", $"sns.{api} is not modelled by the local control plane");
        var topic = request["TopicArn"]?.GetValue<string>() ?? throw new ControlPlaneError("InvalidParameter", "TopicArn is required");
        if (!topics.Contains(topic)) throw new ControlPlaneError("NotFound", $"Topic does not exist: {topic}");
        var message = request["Message"]?.GetValue<string>();
        if (string.IsNullOrEmpty(message)) throw new ControlPlaneError("InvalidParameter", "Message is required");
        var subject = request["Subject"]?.GetValue<string>();
        if (subject is { Length: > 100 }) throw new ControlPlaneError("InvalidParameter", "Subject must be at most 100 characters");
        var notification = new Notification(Guid.NewGuid().ToString(), topic, subject, message);
        lock (gate) notifications.Add(notification);
        timeline?.WriteLine($"[control plane] SNS {topic}: {subject}: {message}");
        return Task.FromResult(new JsonObject { ["MessageId"] = notification.MessageId });
    }
}
