using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>
/// One AWS service the endpoint speaks: its botocore model name, X-Amz-Target prefix, content type, and its
/// operations. An operation takes the request body and returns the response body, or throws <see cref="AwsError"/>.
/// </summary>
public interface IAwsService
{
    /// <summary>botocore's name of the service, used for its model, the request log and fault rules: "ssm", "dynamodb".</summary>
    string Name { get; }

    /// <summary>The X-Amz-Target prefix before the dot: "AmazonSSM", "DynamoDB_20120810".</summary>
    string TargetPrefix { get; }

    /// <summary>"application/x-amz-json-1.1" or "application/x-amz-json-1.0".</summary>
    string ContentType { get; }

    /// <summary>The prefix of error types in bodies: DynamoDB's "com.amazonaws.dynamodb.v20120810#", else empty.</summary>
    string ErrorPrefix { get; }

    bool Handles(string operation);

    Task<JsonObject> InvokeAsync(string operation, JsonObject request, CancellationToken cancellationToken);

    /// <summary>The same, for a service whose answer depends on who calls (SSM's quotas are per account and Region).</summary>
    Task<JsonObject> InvokeAsync(string operation, JsonObject request, Caller caller, CancellationToken cancellationToken) =>
        InvokeAsync(operation, request, cancellationToken);
}

/// <summary>Who sent a request: the account its credentials belong to and the region of its signature.</summary>
public sealed record Caller(string Account, string Region);
