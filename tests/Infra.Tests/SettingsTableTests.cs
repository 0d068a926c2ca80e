using System.Text.Json;
using Infra.Configuration;
using Remediation.Contracts;

namespace Infra.Tests;

/// <summary>
/// The settings table in Remediation.Contracts, the README's settings table and cdk.json tell one story: a reader of
/// the README sees every setting with the default and the form the code applies, and cdk.json synthesizes.
/// </summary>
public class SettingsTableTests
{
    static readonly string Root = RepositoryRoot.Find();

    /// <summary>The rows of the README's table under "### Settings", as written.</summary>
    static List<string> ReadmeRows()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "### Settings");
        Assert.True(start >= 0, "README.md has no \"### Settings\" section");
        return lines.Skip(start + 1)
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .Skip(2)
            .ToList();
    }

    static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    static string Row(Setting s) => string.Join(" | ",
        "| " + (s.Key is null ? "" : $"`{s.Key}`"),
        s.Variable is null ? "" : $"`{s.Variable}`",
        s.Default.Length == 0 ? "(none)" : $"`{s.Default}`",
        Cell(s.Rule.Expected),
        Cell(s.Meaning) + " |");

    [Fact]
    public void Readme_SettingsTable_ListsEverySettingWithItsDefaultRuleAndMeaning()
    {
        var expected = Settings.All.Select(Row).ToList();

        var actual = ReadmeRows();

        Assert.True(expected.SequenceEqual(actual),
            "README.md's settings table differs from Remediation.Contracts' Settings; its rows should read:\n" + string.Join("\n", expected));
    }

    [Fact]
    public void Readme_SettingsTable_ShowsTheDefaultThatAnUnsetKeyTakes()
    {
        // The one key a synth needs at least (or cluster, or exampleEnvironment); every other is left unset.
        var needed = ConfigReader.Prefix + Settings.SafeCapacityClusterNames.Key;
        var config = ConfigReader.Read(key => key == needed ? Settings.SafeCapacityNone : null, [needed]);

        foreach (var row in ReadmeRows())
        {
            var cells = row.Split(" | ");
            var key = cells[0].Trim('|', ' ', '`');
            if (key.Length == 0 || ConfigReader.Prefix + key == needed) continue;
            var shown = cells[2] == "(none)" ? "" : cells[2].Trim('`');
            Assert.Equal(shown, config.Values[key]);
        }
    }

    [Fact]
    public void CdkJson_RemediationKeys_AreSettingsWithValidValues()
    {
        using var cdkJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "cdk.json")));
        var context = cdkJson.RootElement.GetProperty("context").EnumerateObject()
            .ToDictionary(p => p.Name, p => Value(p.Value));

        // The repository's cdk.json names no cluster (a synth there stops and asks for one); a user's keys go in it.
        var keys = context.Keys.Where(k => k.StartsWith(ConfigReader.Prefix, StringComparison.Ordinal)).ToList();
        Assert.All(keys, key => Assert.Contains(Settings.All, s => ConfigReader.Prefix + s.Key == key));
        if (keys.Count > 0)
            Assert.NotNull(ConfigReader.Read(key => context.GetValueOrDefault(key), context.Keys));
    }

    [Fact]
    public void Settings_EachKeyAndVariable_IsUnique()
    {
        Assert.Equal(Settings.All.Count, Settings.All.Distinct().Count());
        var keys = Settings.All.Select(s => s.Key).OfType<string>().ToList();
        var variables = Settings.All.Select(s => s.Variable).OfType<string>().ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(variables.Count, variables.Distinct().Count());
        Assert.All(Settings.All, s => Assert.True(s.Key is not null || s.Variable is not null));
    }

    [Fact]
    public void Settings_EachDefault_PassesItsOwnRule()
    {
        Assert.All(Settings.All.Where(s => s.Default.Length > 0), s => Assert.Null(s.Rule.Rejected(s.Default)));
    }

    /// <summary>A cdk.json value as the CDK CLI hands it to the app: strings, numbers, booleans, arrays.</summary>
    static object? Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => e.EnumerateArray().Select(Value).ToArray(),
        _ => null,
    };
}
