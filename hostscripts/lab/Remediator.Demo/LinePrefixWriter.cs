using System.Text;

namespace Remediator.Demo;

/// <summary>Writes whole lines to <paramref name="inner"/>, each behind a prefix: the Remediator's own log lines in the timeline.</summary>
public sealed class LinePrefixWriter(TextWriter inner, string prefix) : TextWriter
{
    readonly StringBuilder line = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (line)
        {
            if (value == '\n')
            {
                inner.WriteLine(prefix + line);
                line.Clear();
            }
            else if (value != '\r')
            {
                line.Append(value);
            }
        }
    }

    public override void Flush()
    {
        lock (line)
        {
            if (line.Length > 0) inner.WriteLine(prefix + line);
            line.Clear();
            inner.Flush();
        }
    }
}
