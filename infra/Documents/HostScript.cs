namespace Infra.Documents;

/// <summary>A host script read verbatim from hostscripts/ at synth time, checked so it can be embedded safely.</summary>
public sealed record HostScript
{
    /// <summary>Ends the heredoc that writes the script on the instance; the script must not contain it as a line.</summary>
    public const string HeredocDelimiter = "ECS_DNS_REMEDIATION_SCRIPT_END";

    public required string FileName { get; init; }

    public required string Content { get; init; }

    /// <summary>Reads hostscripts/<paramref name="fileName"/> under <paramref name="repositoryRoot"/>.</summary>
    public static HostScript Load(string repositoryRoot, string fileName)
    {
        var path = Path.Combine(repositoryRoot, "hostscripts", fileName);
        if (!File.Exists(path))
            throw new HostScriptException($"{path}: not found; the SSM documents embed this host script");
        return FromContent(fileName, File.ReadAllText(path));
    }

    /// <summary>Validates <paramref name="content"/>: the heredoc must close where we say and keep every byte.</summary>
    public static HostScript FromContent(string fileName, string content)
    {
        if (content.Split('\n').Any(line => line.TrimEnd('\r') == HeredocDelimiter))
            throw new HostScriptException($"hostscripts/{fileName}: contains the line {HeredocDelimiter}, the heredoc delimiter; it cannot be embedded");
        if (content.Contains('\r', StringComparison.Ordinal))
            throw new HostScriptException($"hostscripts/{fileName}: has CR line endings; expected LF only");
        if (!content.EndsWith('\n'))
            throw new HostScriptException($"hostscripts/{fileName}: does not end with a newline; a heredoc would change it");
        return new HostScript { FileName = fileName, Content = content };
    }

    /// <summary>Whether SSM would read part of the script as a parameter reference ("{{").</summary>
    public bool HasParameterBraces => Content.Contains("{{", StringComparison.Ordinal);

    /// <summary>
    /// Shell lines that write the script verbatim to a fresh temporary file named by $script (removed on exit).
    /// Joined with "\n", the heredoc body equals the file byte for byte. A script with "{{" cannot be embedded
    /// as text (SSM would substitute it): it fails here, unless <paramref name="encodeBraces"/> allows writing
    /// it base64-encoded, which decodes to the same bytes.
    /// </summary>
    public IReadOnlyList<string> WriteToTempFileLines(bool encodeBraces = false)
    {
        if (HasParameterBraces && !encodeBraces)
            throw new HostScriptException($"hostscripts/{FileName}: contains \"{{{{\", which SSM would read as a parameter; it cannot be embedded");

        var lines = new List<string>
        {
            "script=\"$(mktemp)\" || exit 4",
            "trap 'rm -f \"${script}\"' EXIT",
        };
        if (HasParameterBraces)
        {
            lines.Add($"base64 -d > \"${{script}}\" <<'{HeredocDelimiter}'");
            var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Content));
            for (var i = 0; i < encoded.Length; i += 76)
                lines.Add(encoded.Substring(i, Math.Min(76, encoded.Length - i)));
        }
        else
        {
            lines.Add($"cat > \"${{script}}\" <<'{HeredocDelimiter}'");
            lines.AddRange(Content[..^1].Split('\n'));
        }
        lines.Add(HeredocDelimiter);
        return lines;
    }
}

/// <summary>A host script that cannot be embedded; the message names the file and the reason.</summary>
public sealed class HostScriptException(string message) : Exception(message);
