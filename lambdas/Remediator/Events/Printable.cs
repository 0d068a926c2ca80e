using System.Text;

namespace Remediator.Events;

/// <summary>Makes event text safe to quote in a human reason: one line, bounded, no control characters.</summary>
public static class Printable
{
    public static string Truncate(string value, int maxChars)
    {
        var builder = new StringBuilder(Math.Min(value.Length, maxChars) + 1);
        foreach (var c in value)
        {
            if (builder.Length == maxChars) return builder.Append('…').ToString();
            builder.Append(char.IsControl(c) ? ' ' : c);
        }
        return builder.ToString();
    }
}
