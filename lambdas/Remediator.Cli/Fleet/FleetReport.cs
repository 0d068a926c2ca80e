using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Remediator.Cli.Fleet;

/// <summary>The result of one fleet command: a row per container instance.</summary>
public sealed record FleetReport(string Cluster, string Action, string CommandId, IReadOnlyList<InstanceResult> Instances)
{
    /// <summary>
    /// Every instance answered and ended as asked (healthy, fixed, rolled back, untouched, or what a dry run would
    /// change); nothing at risk, failed or silent: the pipeline gate passes.
    /// </summary>
    public bool AllDone => Instances.Count > 0 && Instances.All(i => i.Verdict is
        Verdict.Healthy or Verdict.Fixed or Verdict.RolledBack or Verdict.Untouched or Verdict.WouldChange);

    public int ExitCode => AllDone ? ExitCodes.Ok : ExitCodes.AtRisk;

    public string ToTable()
    {
        var rows = Instances.Select(i => new[]
        {
            i.InstanceId, i.Manager ?? "-", i.Nameservers.Count == 0 ? "-" : string.Join(' ', i.Nameservers),
            VerdictName(i.Verdict), i.Detail,
        }).ToList();
        string[] header = ["INSTANCE", "RESOLVER MANAGER", "FIRST THREE NAMESERVERS", "VERDICT", "DETAIL"];
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        var builder = new StringBuilder();
        void Line(string[] cells) =>
            builder.AppendLine(string.Join("  ", cells.Select((cell, c) => c == cells.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        Line(header);
        rows.ForEach(Line);
        var counts = Instances.GroupBy(i => i.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Count()} {VerdictName(g.Key)}");
        builder.Append($"cluster {Cluster}, {Action}, command {CommandId}: {Instances.Count} instance(s): {string.Join(", ", counts)}");
        return builder.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(FleetJson.From(this), FleetJsonContext.Default.FleetJson);

    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.AtRisk => "at-risk",
        Verdict.NoAnswer => "no-answer",
        Verdict.RolledBack => "rolled-back",
        Verdict.WouldChange => "would-change",
        _ => verdict.ToString().ToLowerInvariant(),
    };
}

public sealed record FleetJson(string Cluster, string Action, string CommandId, bool AllDone, IReadOnlyList<InstanceJson> Instances)
{
    public static FleetJson From(FleetReport report) => new(report.Cluster, report.Action, report.CommandId, report.AllDone,
        report.Instances.Select(i => new InstanceJson(i.InstanceId, FleetReport.VerdictName(i.Verdict), i.Manager, i.Nameservers, i.Detail)).ToList());
}

public sealed record InstanceJson(string InstanceId, string Verdict, string? Manager, IReadOnlyList<string> Nameservers, string Detail);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FleetJson))]
public sealed partial class FleetJsonContext : JsonSerializerContext;
