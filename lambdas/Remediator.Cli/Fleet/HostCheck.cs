using System.Text.Json;
using Remediation.Contracts;

namespace Remediator.Cli.Fleet;

/// <summary>What one container instance answered to the resolv-fix document (check, fix or rollback).</summary>
public enum Verdict
{
    Healthy,
    AtRisk,
    Fixed,
    Failed,
    NoAnswer,

    /// <summary>rollback restored the backup the host fix had made.</summary>
    RolledBack,

    /// <summary>rollback found no backup: the host fix never changed this instance, or it was rolled back already.</summary>
    Untouched,

    /// <summary>A dry run: the action would change this instance.</summary>
    WouldChange,
}

/// <summary>One row of a fleet report.</summary>
/// <param name="Manager">Who writes resolv.conf on the instance (dhclient, systemd-resolved, ...), as the script found it.</param>
/// <param name="Nameservers">The first three nameservers, the ones glibc uses.</param>
public sealed record InstanceResult(
    string InstanceId,
    Verdict Verdict,
    string? Manager,
    IReadOnlyList<string> Nameservers,
    string Detail);

/// <summary>Reads resolv-fix.sh's answer: its exit code and its last stdout line (the --json summary).</summary>
public static class HostCheck
{
    public static InstanceResult Read(string instanceId, string action, int? responseCode, string? output, string? status)
    {
        var summary = LastJsonLine(output);
        var manager = summary is { } s && s.TryGetProperty("manager", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var nameservers = summary is { } t && t.TryGetProperty("nameservers", out var n) && n.ValueKind == JsonValueKind.Array
            ? n.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
        var changed = IsTrue(summary, "changed");
        // A dry run reports the file as the action would leave it: only would_change tells it apart from a healthy host.
        var wouldChangeInDryRun = IsTrue(summary, "dry_run") && IsTrue(summary, "would_change");
        var rollback = action == ResolvFixParameterNames.Rollback;

        var (verdict, detail) = responseCode switch
        {
            null => (Verdict.NoAnswer, $"no answer ({status ?? "pending"})"),
            ResolvFixExitCodes.Ok when wouldChangeInDryRun => (Verdict.WouldChange, rollback
                ? "dry run: would restore resolv.conf from the backup the host fix made"
                : "dry run: would put the VPC resolver within the first three nameservers"),
            ResolvFixExitCodes.Ok when rollback && changed => (Verdict.RolledBack, "rolled back: resolv.conf restored from the backup the host fix made"),
            ResolvFixExitCodes.Ok when rollback => (Verdict.Untouched, "untouched: no backup, so the host fix never changed it (or it was rolled back already)"),
            ResolvFixExitCodes.Ok when action == ResolvFixParameterNames.Fix && changed => (Verdict.Fixed, "fixed: the VPC resolver is now within the first three nameservers"),
            ResolvFixExitCodes.Ok => (Verdict.Healthy, "healthy: a non-loopback nameserver is within the first three"),
            ResolvFixExitCodes.AtRisk => (Verdict.AtRisk, "at risk: only loopback nameservers among the first three; awsvpc tasks cannot resolve EFS"),
            ResolvFixExitCodes.VerifyHostUnresolved => (Verdict.Failed, "the EFS name does not resolve through the VPC resolver: not a local-resolver problem"),
            ResolvFixExitCodes.Usage => (Verdict.Failed, $"the script rejected its parameters (exit {ResolvFixExitCodes.Usage})"),
            ResolvFixExitCodes.Environment => (Verdict.Failed, $"the script could not read or write resolv.conf (exit {ResolvFixExitCodes.Environment})"),
            var code => (Verdict.Failed, $"failed with exit code {code} ({status})"),
        };
        return new InstanceResult(instanceId, verdict, manager, nameservers, detail);
    }

    static bool IsTrue(JsonElement? summary, string property) =>
        summary is { } s && s.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    static JsonElement? LastJsonLine(string? output)
    {
        if (string.IsNullOrWhiteSpace(output)) return null;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Reverse())
        {
            if (!line.StartsWith('{')) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return null;
    }
}
