namespace Infra.Constructs;

public sealed record OutcomeQueryProps
{
    /// <summary>The query's name in Logs Insights; a "/" files it in a folder of saved queries.</summary>
    public required string Name { get; init; }

    /// <summary>The Remediator's log group.</summary>
    public required string LogGroupName { get; init; }
}
