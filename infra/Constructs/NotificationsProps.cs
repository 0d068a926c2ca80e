namespace Infra.Constructs;

public sealed record NotificationsProps
{
    /// <summary>Address subscribed to the topic; empty subscribes nobody.</summary>
    public required string Email { get; init; }
}
