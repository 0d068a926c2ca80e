using Remediation.Contracts;

namespace Remediator.Planning;

/// <summary>
/// How every settings reader (<see cref="RemediatorSettings"/>, the act step's and the organization's) reads a
/// variable and says what is wrong with it: one line naming the variable, the value cut to 80 printable
/// characters, and what was expected.
/// </summary>
public static class SettingValues
{
    /// <summary>The value of <paramref name="key"/>, trimmed; null when unset or blank (then the default applies).</summary>
    public static string? Get(Func<string, string?> lookup, string key) =>
        lookup(key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public static SettingsException Missing(string key, string expected) => new($"{key} is not set; expected {expected}");

    public static SettingsException Invalid(string key, string value, string expected) =>
        new($"{key}: \"{Events.Printable.Truncate(value, 80)}\" is not valid; expected {expected}");

    /// <summary>
    /// The value of <paramref name="setting"/>'s variable, or its default when unset or blank; a value that breaks
    /// the setting's rule is an error naming the variable.
    /// </summary>
    public static string Read(Func<string, string?> lookup, Setting setting) =>
        Checked(setting, Get(lookup, setting.Variable!) ?? setting.Default);

    /// <summary>Like <see cref="Read"/>, but null when unset or blank: for settings the function may go without.</summary>
    public static string? ReadOptional(Func<string, string?> lookup, Setting setting) =>
        Get(lookup, setting.Variable!) is { } value ? Checked(setting, value) : null;

    /// <summary>Like <see cref="Read"/>, but an error when unset or blank.</summary>
    public static string ReadRequired(Func<string, string?> lookup, Setting setting) =>
        ReadOptional(lookup, setting) ?? throw Missing(setting.Variable!, setting.Rule.Expected);

    static string Checked(Setting setting, string value) =>
        value.Length > 0 && setting.Rule.Rejected(value) is { } rejected
            ? throw Invalid(setting.Variable!, rejected, setting.Rule.Expected)
            : value;
}
