using System.Xml;
using LocalControlPlane.Automation;

namespace LocalControlPlane.Actions;

/// <summary>aws:sleep: waits an ISO 8601 Duration (PT0S, PT5M) or until a Timestamp, for real.</summary>
public sealed class SleepAction(TimeProvider? clock = null) : IStepAction
{
    readonly TimeProvider clock = clock ?? TimeProvider.System;

    public string Action => "aws:sleep";

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        try
        {
            if (context.Inputs["Duration"]?.GetValue<string>() is { } duration)
                wait = XmlConvert.ToTimeSpan(duration);
            else if (context.Inputs["Timestamp"]?.GetValue<string>() is { } timestamp)
                wait = DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) - clock.GetUtcNow();
            else
                return StepResult.Failed("aws:sleep needs Duration or Timestamp");
        }
        catch (FormatException e)
        {
            return StepResult.Failed($"aws:sleep: {e.Message}");
        }
        if (wait > TimeSpan.FromDays(7)) return StepResult.Failed("aws:sleep: the longest sleep is 7 days");
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
        return new StepResult { Succeeded = true };
    }
}
