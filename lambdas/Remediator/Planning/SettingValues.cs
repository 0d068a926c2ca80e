using System.Text.RegularExpressions;

namespace Remediator.Planning;

/// <summary>
/// How every settings reader (<see cref="RemediatorSettings"/>, the act step's and the organization's) reads a
/// variable and says what is wrong with it: one line naming the variable, the value cut to 80 printable
/// characters, and what was expected.
/// </summary>
public static partial class SettingValues
{
    /// <summary>The value of <paramref name="key"/>, trimmed; null when unset or blank (then the default applies).</summary>
    public static string? Get(Func<string, string?> lookup, string key) =>
        lookup(key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public static SettingsException Missing(string key, string expected) => new($"{key} is not set; expected {expected}");

    public static SettingsException Invalid(string key, string value, string expected) =>
        new($"{key}: \"{Events.Printable.Truncate(value, 80)}\" is not valid; expected {expected}");

    /// <summary>What an SSM document name looks like, for the messages that reject one.</summary>
    public const string DocumentNameExpected = "an SSM document name: 3-128 letters, digits, '_', '-' or '.'";

    public static bool IsDocumentName(string value) => DocumentName().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{3,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DocumentName();
}
