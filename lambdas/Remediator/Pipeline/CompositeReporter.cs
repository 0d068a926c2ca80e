namespace Remediator.Pipeline;

/// <summary>Reports each outcome to every reporter in turn (the log line, then the metrics).</summary>
public sealed class CompositeReporter(params IReadOnlyList<IReporter> reporters) : IReporter
{
    public void Report(Outcome outcome)
    {
        foreach (var reporter in reporters) reporter.Report(outcome);
    }
}
