namespace Infra.Constructs;

public sealed record TaskStoppedRuleProps
{
    /// <summary>The function the matching events go to; its failure queue keeps what EventBridge cannot deliver.</summary>
    public required RemediatorFunction Remediator { get; init; }
}
