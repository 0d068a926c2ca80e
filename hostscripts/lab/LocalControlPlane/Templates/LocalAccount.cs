namespace LocalControlPlane.Templates;

/// <summary>
/// The account and Region the local control plane pretends to be in. Pseudo parameters (AWS::AccountId,
/// AWS::Region...) resolve to these, so every ARN in a template becomes a concrete, valid local ARN.
/// </summary>
public sealed record LocalAccount
{
    public string AccountId { get; init; } = "111122223333";

    public string Region { get; init; } = "us-east-1";

    public string Partition { get; init; } = "aws";

    public string UrlSuffix { get; init; } = "amazonaws.com";
}
