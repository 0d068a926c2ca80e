namespace Remediation.Contracts;

/// <summary>The claims table's key schema and time-to-live attribute: the CDK app creates the table, the function writes it.</summary>
public static class ClaimsTable
{
    /// <summary>The partition key (a string): the claim's key, event#... or instance#...</summary>
    public const string PartitionKey = "pk";

    /// <summary>Epoch seconds after which DynamoDB may delete the item (the table's TTL attribute).</summary>
    public const string ExpiresAt = "expiresAt";

    /// <summary>
    /// How long a pending claim is its holder's: no longer than Lambda's first asynchronous retry delay (one
    /// minute), so the retry of a crashed invocation can take over.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The function's timeout, below the lease: a live invocation never outlives its own claim, so no second
    /// invocation can take the claim over while the first still acts.
    /// </summary>
    public static readonly TimeSpan FunctionTimeout = TimeSpan.FromSeconds(50);
}
