using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Infra.Constructs;
using Remediation.Contracts;
using Remediation.Testing;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Infra.Tests;

/// <summary>
/// The saved Logs Insights query reads the fields the Remediator's outcome lines carry: a field the reporter never
/// writes leaves the query empty with no error. Logs Insights flattens a JSON line's nested fields with dots and
/// array items by index ("Supported logs and discovered fields", Amazon CloudWatch Logs User Guide).
/// </summary>
[Collection(nameof(DefaultApp))]
public sealed partial class OutcomeQueryTests(DefaultApp app)
{
    /// <summary>The outcome line of a real failure event planned in observe mode, flattened as Logs Insights does.</summary>
    static Dictionary<string, string> ObservedLine()
    {
        var settings = RemediatorSettings.From(key => key switch
        {
            RemediatorEnvironment.Mode => RemediationModes.Observe,
            RemediatorEnvironment.SafeCapacityProvider => "dns-safe-capacity",
            _ => null,
        });
        var plan = Plans.PlanOf("failure/ec2-awsvpc-standalone.json", settings);
        var writer = new StringWriter();
        new JsonLineReporter(writer).Report(new Outcome(OutcomeKind.Skipped, plan, plan.Reason, TimeSpan.Zero, []));

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(JsonNode.Parse(writer.ToString())!, "", fields);
        return fields;
    }

    static void Flatten(JsonNode node, string prefix, Dictionary<string, string> fields)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (value is not null)
                        Flatten(value, prefix.Length == 0 ? key : $"{prefix}.{key}", fields);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item)
                        Flatten(item, $"{prefix}.{i}", fields);
                }
                break;
            default:
                fields[prefix] = node.ToString();
                break;
        }
    }

    /// <summary>The log fields the query reads: dotted names, function arguments and grouping fields, aliases left out.</summary>
    static IReadOnlySet<string> FieldsRead(string query)
    {
        var aliases = Alias().Matches(query).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var read = new HashSet<string>(StringComparer.Ordinal);
        read.UnionWith(Dotted().Matches(query).Select(m => m.Value));
        read.UnionWith(FunctionArgument().Matches(query).Select(m => m.Groups[1].Value));
        read.UnionWith(By().Match(query).Groups[1].Value.Split(',', StringSplitOptions.TrimEntries));
        read.RemoveWhere(f => f.StartsWith('@') || f == "*" || aliases.Contains(f));
        return read;
    }

    [Fact]
    public void Query_ReadsOnlyFieldsTheOutcomeLineCarries()
    {
        var line = ObservedLine();

        var read = FieldsRead(OutcomeQuery.QueryString);

        Assert.Contains("plan.actions.0.containerInstanceArn", read);
        Assert.All(read, field => Assert.True(line.ContainsKey(field), $"the query reads {field}, which the outcome line does not carry: {string.Join(", ", line.Keys)}"));
    }

    [Fact]
    public void Query_ObservedRemediation_PassesTheFilterAndNamesClusterAndInstance()
    {
        var line = ObservedLine();
        var filter = Filter().Match(OutcomeQuery.QueryString);

        Assert.True(filter.Success, OutcomeQuery.QueryString);
        Assert.Equal(filter.Groups[2].Value, line[filter.Groups[1].Value]);
        Assert.Equal("false", line["plan.execute"]);
        Assert.StartsWith("arn:aws:ecs:", line["plan.actions.0.clusterArn"], StringComparison.Ordinal);
        Assert.Contains(":container-instance/", line["plan.actions.0.containerInstanceArn"], StringComparison.Ordinal);
    }

    [Fact]
    public void QueryDefinition_InTheStack_SearchesTheFunctionsLogGroup()
    {
        var definition = SynthesizedApp.Single(app.RemediationJson, "AWS::Logs::QueryDefinition");
        var logGroup = SynthesizedApp.Resources(app.RemediationJson, "AWS::Logs::LogGroup").Single(g => g.Id.StartsWith("Remediator", StringComparison.Ordinal)).Id;

        Assert.Equal(OutcomeQuery.QueryString, (string?)definition["QueryString"]);
        Assert.Equal($"[{{\"Ref\":\"{logGroup}\"}}]", definition["LogGroupNames"]!.ToJsonString());
        Assert.InRange(((string)definition["Name"]!).Length, 1, 255);
        app.Remediation.HasOutput("OutcomeQueryName", Amazon.CDK.Assertions.Match.AnyValue());
    }

    [GeneratedRegex(@"\bas\s+(\w+)")]
    private static partial Regex Alias();

    [GeneratedRegex(@"(?<![\w@])[a-z]\w*(?:\.\w+)+")]
    private static partial Regex Dotted();

    [GeneratedRegex(@"\b(?:latest|earliest|max|min|count|sum|avg)\(([^)]*)\)")]
    private static partial Regex FunctionArgument();

    [GeneratedRegex(@"\bby\s+([^|\n]+)")]
    private static partial Regex By();

    [GeneratedRegex(@"filter\s+([\w.]+)\s*=\s*""([^""]*)""")]
    private static partial Regex Filter();
}
