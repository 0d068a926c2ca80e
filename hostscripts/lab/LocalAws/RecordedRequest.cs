using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>One request the endpoint received and how it answered.</summary>
/// <param name="Service">"ssm" or "dynamodb".</param>
/// <param name="Operation">The operation from X-Amz-Target, such as StartAutomationExecution.</param>
/// <param name="Body">The request body as sent.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="ErrorType">The error's __type when it failed, else null.</param>
/// <param name="Injected">True when the answer was an injected fault rather than the service's own.</param>
public sealed record RecordedRequest(
    long Sequence,
    DateTimeOffset At,
    string Service,
    string Operation,
    JsonObject Body,
    int Status,
    string? ErrorType,
    bool Injected)
{
    /// <summary>
    /// The access key the request was signed with (from the SigV4 Authorization header), or null: with keys an
    /// STS emulator (moto) issued, it tells which account a request acted in.
    /// </summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The region of the signature's credential scope: the region the client called.</summary>
    public string? SigningRegion { get; init; }
}
