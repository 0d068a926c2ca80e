using System.Text;

namespace Infra.Documents;

/// <summary>
/// A host script read verbatim from hostscripts/ at synth time, checked so it can be embedded safely, with the
/// library it sources (hostscripts/hostlib.sh), if it sources it.
/// </summary>
public sealed record HostScript
{
    /// <summary>Ends the heredoc that writes the script on the instance; the script must not contain it as a line.</summary>
    public const string HeredocDelimiter = "ECS_DNS_REMEDIATION_SCRIPT_END";

    /// <summary>The shell library the host scripts share: JSON strings, the DNS-name rule, the IP rule.</summary>
    public const string LibraryFileName = "hostlib.sh";

    /// <summary>The line by which a host script sources the library next to it; <see cref="Joined"/> replaces it.</summary>
    public const string LibrarySourceLine = "source \"$(dirname -- \"${BASH_SOURCE[0]}\")/" + LibraryFileName + "\" || exit 4";

    public required string FileName { get; init; }

    public required string Content { get; init; }

    /// <summary>hostscripts/hostlib.sh when the script sources it, else null.</summary>
    public HostScript? Library { get; init; }

    /// <summary>
    /// Reads hostscripts/<paramref name="fileName"/> under <paramref name="repositoryRoot"/>, and the library when
    /// the script sources it.
    /// </summary>
    public static HostScript Load(string repositoryRoot, string fileName)
    {
        var script = FromContent(fileName, Read(repositoryRoot, fileName));
        return script.SourcesLibrary
            ? script with { Library = FromContent(LibraryFileName, Read(repositoryRoot, LibraryFileName)) }
            : script;
    }

    static string Read(string repositoryRoot, string fileName)
    {
        var path = Path.Combine(repositoryRoot, "hostscripts", fileName);
        if (!File.Exists(path))
            throw new HostScriptException($"{path}: not found; the SSM documents embed this host script");
        return File.ReadAllText(path);
    }

    /// <summary>Validates <paramref name="content"/>: the heredoc must close where we say and keep every byte.</summary>
    public static HostScript FromContent(string fileName, string content)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(fileName, @"^[A-Za-z0-9][A-Za-z0-9._-]*\z"))
            throw new HostScriptException($"hostscripts/{fileName}: not a plain file name; the documents write it into a directory");
        if (content.Split('\n').Any(line => line.TrimEnd('\r') == HeredocDelimiter))
            throw new HostScriptException($"hostscripts/{fileName}: contains the line {HeredocDelimiter}, the heredoc delimiter; it cannot be embedded");
        if (content.Contains('\r', StringComparison.Ordinal))
            throw new HostScriptException($"hostscripts/{fileName}: has CR line endings; expected LF only");
        if (!content.EndsWith('\n'))
            throw new HostScriptException($"hostscripts/{fileName}: does not end with a newline; a heredoc would change it");
        if (content.Split('\n').Any(line => line != LibrarySourceLine && !line.TrimStart().StartsWith('#') && line.Contains(LibraryFileName + "\"", StringComparison.Ordinal)))
            throw new HostScriptException($"hostscripts/{fileName}: names {LibraryFileName} other than by the line {LibrarySourceLine}; the documents and the safe capacity would miss it");
        var sourceLines = content.Split('\n').Count(line => line == LibrarySourceLine);
        if (sourceLines > 1)
            throw new HostScriptException($"hostscripts/{fileName}: sources {LibraryFileName} {sourceLines} times; once is enough");
        if (sourceLines == 1 && fileName == LibraryFileName)
            throw new HostScriptException($"hostscripts/{fileName}: sources itself");
        return new HostScript { FileName = fileName, Content = content };
    }

    bool SourcesLibrary => Content.Split('\n').Contains(LibrarySourceLine);

    /// <summary>Whether part of the script would be read by SSM as a parameter reference ("{{").</summary>
    public bool HasParameterBraces => Content.Contains("{{", StringComparison.Ordinal);

    /// <summary>
    /// The script as one self-contained file: the library's content in place of the line that sources it (which is
    /// what sourcing does: the library only defines functions). A script that sources nothing is its content.
    /// </summary>
    public string Joined => Library is null
        ? Content
        : string.Join('\n', Content.Split('\n').Select(line => line == LibrarySourceLine ? Library.Content[..^1] : line));

    /// <summary>
    /// Written gzip-compressed and base64-encoded rather than as text: for a helper whose readable copy is elsewhere
    /// (its own document, the repository), where a document would otherwise come too close to SSM's 64 KB.
    /// </summary>
    public bool Compressed { get; init; }

    /// <summary>Where <see cref="WriteToTempDirectoryCommands"/> writes this script: a path in $dir.</summary>
    public string TempPath => "${dir}/" + FileName;

    /// <summary>
    /// runCommand elements that write <paramref name="scripts"/>, and the library they source (once), verbatim into a
    /// fresh temporary directory named by $dir (removed on exit), each file next to the library as in hostscripts/.
    /// Each file is one element, a whole heredoc: SSM Agent writes the elements into one script, each followed by a
    /// line feed (amazon-ssm-agent, tag 3.3.1142.0: agent/plugins/runscript/runscript.go, runCommands, calls
    /// agent/plugins/pluginutil/pluginutil.go, CreateScriptFile: strings.Join(runCommand, "\n")+"\n"), so an element with line
    /// feeds runs as those lines would, and the content as CloudFormation sends it spends an escaped line feed
    /// (2 bytes) per line, where one element per line spent a closing quote, comma, space and opening quote (4 bytes).
    /// Each heredoc body equals its file byte for byte (or decodes to it). A file with "{{" cannot be embedded as
    /// text (SSM would substitute it): it fails here, unless <paramref name="encodeBraces"/> allows writing it
    /// base64-encoded, which decodes to the same bytes.
    /// </summary>
    public static IReadOnlyList<string> WriteToTempDirectoryCommands(IReadOnlyList<HostScript> scripts, bool encodeBraces = false)
    {
        var files = scripts.Select(s => s.Library).OfType<HostScript>().DistinctBy(l => l.FileName).Concat(scripts).ToList();
        if (files.Select(f => f.FileName).Distinct(StringComparer.Ordinal).Count() != files.Count)
            throw new HostScriptException($"hostscripts: two files named alike in one document ({string.Join(", ", files.Select(f => f.FileName))})");

        var commands = new List<string>
        {
            "dir=\"$(mktemp -d)\" || exit 4",
            "trap 'rm -rf \"${dir}\"' EXIT",
        };
        foreach (var file in files)
            commands.Add(string.Join('\n', file.WriteLines(encodeBraces)));
        return commands;
    }

    IEnumerable<string> WriteLines(bool encodeBraces)
    {
        if (HasParameterBraces && !encodeBraces)
            throw new HostScriptException($"hostscripts/{FileName}: contains \"{{{{\", which SSM would read as a parameter; it cannot be embedded");

        if (Compressed)
        {
            // Assumption nothing here confirms: gzip is installed on the ECS-optimized Amazon Linux AMIs, as base64
            // (coreutils) is; the lab runs Debian's. A failed decode stops the document before the script runs.
            yield return $"base64 -d <<'{HeredocDelimiter}' | gzip -dc > \"{TempPath}\" || exit 4";
            foreach (var line in Base64Lines(Gzip(Encoding.UTF8.GetBytes(Content))))
                yield return line;
        }
        else if (HasParameterBraces)
        {
            yield return $"base64 -d > \"{TempPath}\" <<'{HeredocDelimiter}'";
            foreach (var line in Base64Lines(Encoding.UTF8.GetBytes(Content)))
                yield return line;
        }
        else
        {
            yield return $"cat > \"{TempPath}\" <<'{HeredocDelimiter}'";
            foreach (var line in Content[..^1].Split('\n'))
                yield return line;
        }
        yield return HeredocDelimiter;
    }

    static IEnumerable<string> Base64Lines(byte[] bytes)
    {
        var encoded = Convert.ToBase64String(bytes);
        for (var i = 0; i < encoded.Length; i += 76)
            yield return encoded.Substring(i, Math.Min(76, encoded.Length - i));
    }

    /// <summary>Deterministic for one runtime: .NET writes no file name and a zero time into the gzip header.</summary>
    static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.SmallestSize))
            gzip.Write(bytes);
        return buffer.ToArray();
    }
}

/// <summary>A host script that cannot be embedded; the message names the file and the reason.</summary>
public sealed class HostScriptException(string message) : Exception(message);
