using System.Text.Json.Nodes;
using Remediation.Contracts;
using Remediator.Events;
using Remediator.Planning;

namespace Remediation.Testing;

/// <summary>
/// The parse and plan steps as the tests drive them: an event, parsed from its bytes as the function reads it, and
/// planned under settings. One copy, linked into each project that needs it.
/// </summary>
internal static class Plans
{
    /// <summary>Settings that name a safe capacity provider, so that a standalone task gets a reschedule (unless turned off).</summary>
    public static RemediatorSettings WithReschedule(bool reschedule = true) => RemediatorSettings.From(key => key switch
    {
        RemediatorEnvironment.SafeCapacityProvider => "safe-capacity",
        RemediatorEnvironment.Reschedule => reschedule ? "true" : "false",
        _ => null,
    });

    /// <summary>The plan for an event's bytes; the function's defaults when no settings are given.</summary>
    public static Plan PlanOf(byte[] json, RemediatorSettings? settings = null) =>
        Planner.Plan(EventParser.Parse(json), settings ?? RemediatorSettings.Default);

    /// <summary>The plan for a sample event, named relative to tests/events (such as "failure/ec2-awsvpc-service.json").</summary>
    public static Plan PlanOf(string sample, RemediatorSettings? settings = null) =>
        PlanOf(File.ReadAllBytes(Path.Combine(RepositoryRoot.Events, sample)), settings);

    public static Plan PlanOf(JsonObject @event, RemediatorSettings? settings = null) =>
        PlanOf(System.Text.Encoding.UTF8.GetBytes(@event.ToJsonString()), settings);
}
