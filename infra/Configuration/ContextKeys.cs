using System.Text.Json;

namespace Infra.Configuration;

/// <summary>
/// The context keys a synth was given: those the CDK CLI passes (cdk.json and <c>-c</c>, in <c>CDK_CONTEXT_JSON</c>)
/// and those in cdk.json, so that <see cref="ConfigReader"/> can reject unknown <c>remediation:</c> keys.
/// </summary>
public static class ContextKeys
{
    public static IReadOnlyList<string> Given(string repositoryRoot)
    {
        var keys = new List<string>();
        keys.AddRange(Names(Environment.GetEnvironmentVariable("CDK_CONTEXT_JSON"), property: null));
        var cdkJson = Path.Combine(repositoryRoot, "cdk.json");
        if (File.Exists(cdkJson))
            keys.AddRange(Names(File.ReadAllText(cdkJson), "context"));
        return keys;
    }

    /// <summary>The names of the object <paramref name="json"/> holds (at <paramref name="property"/> when given).</summary>
    static IEnumerable<string> Names(string? json, string? property)
    {
        if (string.IsNullOrWhiteSpace(json))
            return [];
        using var doc = JsonDocument.Parse(json);
        var element = property is null ? doc.RootElement
            : doc.RootElement.TryGetProperty(property, out var p) ? p : default;
        return element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().Select(o => o.Name).ToList() : [];
    }
}
