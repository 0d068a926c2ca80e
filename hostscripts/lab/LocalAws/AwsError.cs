using System.Net;

namespace LocalAws;

/// <summary>An error answered the way AWS's JSON protocols do: an HTTP status and a body with __type and message.</summary>
public sealed class AwsError(HttpStatusCode status, string type, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The error code as the body's __type carries it (DynamoDB prefixes it with its namespace).</summary>
    public string Type { get; } = type;

    /// <summary>Extra members of the error body (DynamoDB's Item on a failed condition with ALL_OLD).</summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?> Extra { get; init; } =
        new Dictionary<string, System.Text.Json.Nodes.JsonNode?>();

    public static AwsError Validation(string message) => new(HttpStatusCode.BadRequest, "ValidationException", message);

    public static AwsError Throttling(string message = "Rate exceeded") => new(HttpStatusCode.BadRequest, "ThrottlingException", message);

    public static AwsError Internal(HttpStatusCode status = HttpStatusCode.InternalServerError) =>
        new(status, status == HttpStatusCode.ServiceUnavailable ? "ServiceUnavailable" : "InternalServerError",
            status == HttpStatusCode.ServiceUnavailable ? "Service Unavailable" : "Internal server error");
}
