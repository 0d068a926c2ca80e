namespace Remediator.Pipeline;

/// <summary>The report step: records each event's single outcome (a log line, metrics).</summary>
public interface IReporter
{
    void Report(Outcome outcome);
}
