using System.Text.Json;
using Remediation.Contracts;

namespace Remediator.Cli.Fleet;

/// <summary>What one container instance answered to the resolv-fix document.</summary>
public enum Verdict
{
    Healthy,
    AtRisk,
    Fixed,
    Failed,
    NoAnswer,
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
        var changed = summary is { } u && u.TryGetProperty("changed", out var c) && c.ValueKind == JsonValueKind.True;

        var (verdict, detail) = responseCode switch
        {
            null => (Verdict.NoAnswer, $"no answer ({status ?? "pending"})"),
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
