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
        await using var stream = File.OpenRead(path);
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
                if (!KnownKeys.Contains(property.Name))
                    throw new SettingsException($"{path}: unknown setting \"{property.Name}\"; known: {string.Join(", ", KnownKeys)}");
                values[property.Name] = Text(property);
            }
            return values;
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
