using Remediation.Contracts;

namespace Infra.Tests;

/// <summary>
/// The seam between the claims table the template creates and the items the function's DynamoClaimStore writes:
/// the key it puts every item under must be the table's partition key, and the attribute it sets the expiry in
/// must be the table's TTL attribute (else claims never expire, and DynamoDB rejects every write without the key).
/// </summary>
[Collection(nameof(DefaultApp))]
public sealed class ClaimsTableSeamTests(DefaultApp app)
{
    [Fact]
    public void Table_KeyAndTimeToLive_AreTheAttributesTheStoreWrites()
    {
        var table = SynthesizedApp.Single(app.RemediationJson, "AWS::DynamoDB::Table");

        var key = Assert.Single(table["KeySchema"]!.AsArray());
        Assert.Equal((ClaimsTable.PartitionKey, "HASH"), ((string)key!["AttributeName"]!, (string)key["KeyType"]!));
        Assert.Equal(ClaimsTable.ExpiresAt, (string?)table["TimeToLiveSpecification"]!["AttributeName"]);
        Assert.True((bool)table["TimeToLiveSpecification"]!["Enabled"]!);
    }
}
