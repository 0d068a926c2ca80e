namespace Remediation.Contracts;

/// <summary>The claims table's key schema and time-to-live attribute: the CDK app creates the table, the function writes it.</summary>
public static class ClaimsTable
{
    /// <summary>The partition key (a string): the claim's key, event#... or instance#...</summary>
    public const string PartitionKey = "pk";

    /// <summary>Epoch seconds after which DynamoDB may delete the item (the table's TTL attribute).</summary>
    public const string ExpiresAt = "expiresAt";
}
