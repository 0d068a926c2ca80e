using System.Globalization;

namespace Remediation.Contracts;

/// <summary>
/// The startedBy value of a task the Remediator rescheduled: a prefix and the attempt number. The planner reads it
/// to stop at the attempt limit, and the runbook's StartedBy parameter accepts nothing else.
/// </summary>
public static class AttemptMarker
{
    public const string Prefix = "ecs-dns-remediation/attempt-";

    /// <summary>At most this many digits follow the prefix.</summary>
    public const int MaxDigits = 3;

    public static string Format(int attempt) => Prefix + attempt.ToString(CultureInfo.InvariantCulture);

    /// <summary>The attempt number in a startedBy marker of ours; 0 for a task we did not start.</summary>
    public static int Parse(string? startedBy)
    {
        if (startedBy is null || !startedBy.StartsWith(Prefix, StringComparison.Ordinal)) return 0;
        var digits = startedBy.AsSpan(Prefix.Length);
        return digits.Length is >= 1 and <= MaxDigits && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : 0;
    }
}
