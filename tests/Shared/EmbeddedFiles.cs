using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Remediation.Testing;

/// <summary>
/// The host scripts as an instance gets them from a Command document: bash runs the document's commands (joined
/// with line feeds, as SSM Agent joins them) up to the line that runs a script from $dir, then the files in $dir are
/// read back, in the order the commands write them (as text, or decoded). Without such a line, all of it runs. One copy, linked into each project that
/// needs it.
/// </summary>
internal static partial class EmbeddedFiles
{
    /// <summary>The files the command script writes, by name, in the order it writes them.</summary>
    public static IReadOnlyList<(string Name, string Content)> Written(string commandScript)
    {
        var lines = commandScript.Split('\n');
        var run = Array.FindIndex(lines, l => l.StartsWith("bash \"${dir}/", StringComparison.Ordinal));
        if (run < 0) run = lines.Length; // only the writers, as a builder returns them
        var names = lines[..run].Select(l => Writer().Match(l)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();
        var output = Directory.CreateTempSubdirectory("embedded-");
        try
        {
            var script = string.Join("\n", lines[..run]) + $"\ncp -- \"${{dir}}\"/* '{output.FullName}/'\n";
            var start = new ProcessStartInfo("bash", ["-s"]) { RedirectStandardInput = true, RedirectStandardError = true };
            using var bash = Process.Start(start)!;
            bash.StandardInput.Write(script);
            bash.StandardInput.Close();
            var error = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            Assert.True(bash.ExitCode == 0, $"writing the files failed: {error}");
            Assert.Equal(names.Order(StringComparer.Ordinal), Directory.GetFiles(output.FullName).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            return names.Select(n => (n, File.ReadAllText(Path.Combine(output.FullName, n)))).ToList();
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"<<'.*""\$\{dir\}/(?<name>[^""]+)""|""\$\{dir\}/(?<name>[^""]+)"".*<<'")]
    private static partial Regex Writer();
}
