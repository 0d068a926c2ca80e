using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Remediation.Contracts;
using Remediator.Acting;
using Remediator.Diagnosing;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Infra.Tests;

/// <summary>
/// The seam between the reporter and the alarms and dashboard: every metric of the function's namespace that the
/// synthesized template reads must be one the function's <see cref="EmfReporter"/> writes, in the namespace the
/// template gives the function, under a dimension set the record declares, with dimension values it writes. A
/// metric CloudWatch never receives leaves an alarm at NOT_BREACHING for ever and a graph empty, with no error.
/// </summary>
[Collection(nameof(DefaultApp))]
public sealed partial class MetricsSeamTests(DefaultApp app)
{
    /// <summary>A metric as the template reads it: namespace, name, and the dimensions it fixes (a SEARCH fixes the set, some values).</summary>
    sealed record MetricRead(string Where, string Namespace, string Name, IReadOnlySet<string> Dimensions, IReadOnlyDictionary<string, string> Values);

    /// <summary>What the reporter writes, read back from its own EMF records for an event of each outcome.</summary>
    sealed record Emitted(string Namespace, IReadOnlySet<string> Names, IReadOnlyList<IReadOnlySet<string>> DimensionSets, IReadOnlyDictionary<string, HashSet<string>> Values);

    [Fact]
    public void Alarms_OnTheFunctionsNamespace_ReadMetricsTheReporterEmits()
    {
        var emitted = Emit();
        var reads = AlarmReads().Where(r => !r.Namespace.StartsWith("AWS/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(reads);
        Assert.All(reads, read => AssertEmitted(read, emitted));
    }

    [Fact]
    public void Dashboard_OnTheFunctionsNamespace_GraphsMetricsTheReporterEmits()
    {
        var emitted = Emit();
        var reads = DashboardReads().Where(r => !r.Namespace.StartsWith("AWS/", StringComparison.Ordinal)).ToList();

        Assert.Contains(reads, r => r.Where.StartsWith("SEARCH", StringComparison.Ordinal));
        Assert.True(reads.Count >= 4, $"expected the dashboard's metrics of {emitted.Namespace}; found {reads.Count}");
        Assert.All(reads, read => AssertEmitted(read, emitted));
    }

    static void AssertEmitted(MetricRead read, Emitted emitted)
    {
        Assert.True(read.Namespace == emitted.Namespace, $"{read.Where}: namespace {read.Namespace}, but the function writes to {emitted.Namespace}");
        Assert.True(emitted.Names.Contains(read.Name), $"{read.Where}: metric {read.Name}, which the reporter does not write ({string.Join(", ", emitted.Names)})");
        Assert.True(emitted.DimensionSets.Any(set => set.SetEquals(read.Dimensions)),
            $"{read.Where}: dimensions [{string.Join(", ", read.Dimensions)}], not a dimension set the reporter declares");
        foreach (var (dimension, value) in read.Values)
            Assert.True(emitted.Values.TryGetValue(dimension, out var values) && values.Contains(value),
                $"{read.Where}: {dimension}={value}, a value the reporter never writes");
    }

    /// <summary>The reporter, built as the function builds it from the template's environment, for one event of each outcome.</summary>
    Emitted Emit()
    {
        var variables = FunctionEnvironment();
        var metricsNamespace = ActuatorSettings.From(key => key switch
        {
            RemediatorEnvironment.MetricsNamespace => (string?)variables[key],
            RemediatorEnvironment.RunbookName => "runbook",
            RemediatorEnvironment.ClaimsTable => "claims",
            _ => null,
        }).MetricsNamespace;
        var reporter = new EmfReporter(TextWriter.Null, metricsNamespace);
        var plan = new Plan(Decision.Remediate, Cause.LocalResolverUnreachable, "", Diagnosis.None, [], Execute: true);
        var outcomes = new[]
        {
            new Outcome(OutcomeKind.Acted, plan, "", TimeSpan.Zero, []) { Act = new ActResult(true, "", []) { HostFix = true, Reschedule = true } },
            new Outcome(OutcomeKind.Skipped, plan, "", TimeSpan.Zero, []) { Act = ActResult.Skipped(SkipCauses.Duplicate, "") },
            new Outcome(OutcomeKind.Failed, plan with { Decision = Decision.Notify }, "", TimeSpan.Zero, []),
        };

        string? ns = null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var sets = new List<IReadOnlySet<string>>();
        var values = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            var record = JsonNode.Parse(reporter.Record(outcome, DateTimeOffset.UnixEpoch))!.AsObject();
            var directive = record["_aws"]!["CloudWatchMetrics"]![0]!;
            ns = (string)directive["Namespace"]!;
            names.UnionWith(directive["Metrics"]!.AsArray().Select(m => (string)m!["Name"]!));
            foreach (var set in directive["Dimensions"]!.AsArray())
            {
                var dimensions = set!.AsArray().Select(d => (string)d!).ToHashSet(StringComparer.Ordinal);
                if (!sets.Any(s => s.SetEquals(dimensions))) sets.Add(dimensions);
                foreach (var dimension in dimensions)
                {
                    if (!values.TryGetValue(dimension, out var written)) values[dimension] = written = new HashSet<string>(StringComparer.Ordinal);
                    written.Add((string)record[dimension]!);
                }
            }
        }
        return new Emitted(ns!, names, sets, values);
    }

    JsonObject FunctionEnvironment() =>
        SynthesizedApp.Resources(app.RemediationJson, "AWS::Lambda::Function")
            .Select(f => f.Properties["Environment"]?["Variables"]?.AsObject())
            .Single(v => v?.ContainsKey(RemediatorEnvironment.MetricsNamespace) == true)!;

    IEnumerable<MetricRead> AlarmReads()
    {
        foreach (var (id, alarm) in SynthesizedApp.Resources(app.RemediationJson, "AWS::CloudWatch::Alarm"))
        {
            if (alarm["MetricName"] is not null)
                yield return Read(id, alarm["Namespace"], alarm["MetricName"], alarm["Dimensions"]);
            foreach (var query in alarm["Metrics"]?.AsArray() ?? [])
            {
                if (query!["MetricStat"]?["Metric"] is { } metric)
                    yield return Read($"{id}/{query["Id"]}", metric["Namespace"], metric["MetricName"], metric["Dimensions"]);
            }
        }

        static MetricRead Read(string where, JsonNode? ns, JsonNode? name, JsonNode? dimensions)
        {
            var pairs = (dimensions?.AsArray() ?? []).Select(d => ((string)d!["Name"]!, Text(d["Value"]))).ToList();
            return new MetricRead(where, (string)ns!, (string)name!, pairs.Select(p => p.Item1).ToHashSet(StringComparer.Ordinal),
                pairs.Where(p => p.Item2 is not null).ToDictionary(p => p.Item1, p => p.Item2!, StringComparer.Ordinal));
        }
    }

    IEnumerable<MetricRead> DashboardReads()
    {
        var dashboard = SynthesizedApp.Single(app.RemediationJson, "AWS::CloudWatch::Dashboard");
        var body = JsonNode.Parse(Flatten(dashboard["DashboardBody"]!))!;
        foreach (var widget in body["widgets"]!.AsArray())
        {
            JsonArray? previous = null;
            foreach (var row in widget!["properties"]?["metrics"]?.AsArray() ?? [])
            {
                var items = row!.AsArray();
                if (items[0] is JsonObject options && (string?)options["expression"] is { } expression)
                {
                    foreach (var read in SearchReads(expression)) yield return read;
                    continue;
                }
                // CloudWatch's metric array: namespace, name, then name/value pairs, then an options object;
                // "." repeats the previous row's item at that position.
                var fields = items.TakeWhile(i => i is JsonValue).Select((item, index) =>
                    (string)item! == "." ? (string)previous![index]! : (string)item!).ToList();
                previous = new JsonArray(fields.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
                var pairs = Enumerable.Range(0, (fields.Count - 2) / 2).Select(i => (fields[2 + 2 * i], fields[3 + 2 * i])).ToList();
                yield return new MetricRead($"dashboard \"{widget["properties"]!["title"]}\"", fields[0], fields[1],
                    pairs.Select(p => p.Item1).ToHashSet(StringComparer.Ordinal), pairs.ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal));
            }
        }
    }

    /// <summary>SEARCH('{Namespace,Dim1,Dim2} MetricName="X" Dim1="v"', ...): the schema fixes the dimension set.</summary>
    static IEnumerable<MetricRead> SearchReads(string expression)
    {
        var search = Search().Match(expression);
        Assert.True(search.Success, $"a dashboard expression this test cannot read: {expression}");
        var schema = search.Groups["schema"].Value.Split(',');
        var terms = Term().Matches(search.Groups["terms"].Value).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
        Assert.True(terms.Remove("MetricName", out var name), $"a SEARCH without MetricName: {expression}");
        yield return new MetricRead(expression, schema[0], name, schema.Skip(1).ToHashSet(StringComparer.Ordinal), terms);
    }

    /// <summary>A Fn::Join of strings and tokens as text: the tokens (Region, say) become a placeholder inside their JSON string.</summary>
    static string Flatten(JsonNode node) => node switch
    {
        JsonValue value => (string)value!,
        JsonObject join when join["Fn::Join"] is JsonArray args => string.Join((string)args[0]!, args[1]!.AsArray().Select(p => p is JsonValue ? (string)p! : "TOKEN")),
        _ => throw new InvalidOperationException($"an unexpected dashboard body: {node.ToJsonString()}"),
    };

    static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    [GeneratedRegex(@"^SEARCH\('\{(?<schema>[^}]+)\}\s*(?<terms>[^']*)'")]
    private static partial Regex Search();

    [GeneratedRegex("(?<key>[A-Za-z]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex Term();
}
