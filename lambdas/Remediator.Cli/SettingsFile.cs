using System.Text.Json;
using Remediator.Planning;

namespace Remediator.Cli;

/// <summary>
/// Reads a --config file: a JSON object whose keys are the function's environment variables
/// (REMEDIATOR_*), so that one table documents both and a deployed function's environment can be
/// passed as it is. Values may be strings, numbers, booleans, or (for lists) arrays of strings.
/// The act step's keys are accepted; `plan --aws-cli` reads the runbook name and the automation role from them.
/// </summary>
public static class SettingsFile
{
    static readonly HashSet<string> KnownKeys =
        [.. Remediation.Contracts.Settings.All.Select(s => s.Variable).OfType<string>()];

    /// <summary>The file's settings as text, by key; every key is a known one.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadValuesAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(path);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            throw new SettingsException($"{path} is not valid JSON");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SettingsException($"{path}: expected a JSON object of REMEDIATOR_* settings");
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var name = Utf16(() => property.Name, path);
                if (!KnownKeys.Contains(name))
                    throw new SettingsException($"{path}: unknown setting \"{Remediator.Events.Printable.Truncate(name, 80)}\"; known: {string.Join(", ", KnownKeys)}");
                // JSON allows a key twice and the last would win silently: which value was meant is not known.
                if (!values.TryAdd(name, Utf16(() => Text(property), path, name)))
                    throw new SettingsException($"{path}: {name} is set twice");
            }
            return values;
        }
    }

    /// <summary>The file; an empty path or one with a NUL character is a bad setting, not an ArgumentException.</summary>
    static FileStream OpenRead(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (ArgumentException)
        {
            throw new SettingsException($"--config: \"{Remediator.Events.Printable.Truncate(path, 80)}\" is not a file path");
        }
    }

    /// <summary>
    /// Reads a name or value as a .NET string: JSON may escape a lone UTF-16 surrogate ("\ud800"), which System.Text.Json
    /// refuses to unescape (InvalidOperationException) because no valid text holds it.
    /// </summary>
    static string Utf16(Func<string> read, string path, string? key = null)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            throw new SettingsException($"{path}: {(key is null ? "a setting's name" : key)} is not valid Unicode text (a lone surrogate escape such as \\ud800)");
        }
    }

    static string Text(JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString()!,
        JsonValueKind.Number => property.Value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        JsonValueKind.Array when property.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            string.Join(',', property.Value.EnumerateArray().Select(e => e.GetString())),
        _ => throw new SettingsException($"{property.Name}: expected a string, number, boolean or list of strings"),
    };
}
