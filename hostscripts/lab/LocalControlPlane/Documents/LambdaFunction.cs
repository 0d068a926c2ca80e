namespace LocalControlPlane.Documents;

/// <summary>A Lambda function of the templates: its handler string and resolved environment.</summary>
public sealed record LambdaFunction
{
    public required string LogicalId { get; init; }

    public required string Handler { get; init; }

    public required string Runtime { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }
}
