using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>
/// One AWS service the endpoint speaks: its X-Amz-Target prefix, content type, and one handler per
/// operation. A handler takes the request body and returns the response body, or throws <see cref="AwsError"/>.
/// Adding an operation is adding an entry to <see cref="Operations"/>.
/// </summary>
public interface IAwsService
{
    /// <summary>Short name used in the request log and for fault rules: "ssm", "dynamodb".</summary>
    string Name { get; }

    /// <summary>The X-Amz-Target prefix before the dot: "AmazonSSM", "DynamoDB_20120810".</summary>
    string TargetPrefix { get; }

    /// <summary>"application/x-amz-json-1.1" or "application/x-amz-json-1.0".</summary>
    string ContentType { get; }

    IReadOnlyDictionary<string, Func<JsonObject, JsonObject>> Operations { get; }
}
