using System.Text.Json;
using System.Text.Json.Serialization;

namespace Remediator.Planning;

/// <summary>The plan as the CLI prints it and the log line carries it: the public JSON contract.</summary>
public sealed record PlanDocument(
    string Decision,
    string Reason,
    string Cause,
    DiagnosisDocument Diagnosis,
    IReadOnlyList<ActionDocument> Actions,
    bool Execute,
    string? EventId,
    string? TaskArn)
{
    public static PlanDocument From(Plan plan) => new(
        Kebab(plan.Decision.ToString()),
        plan.Reason,
        Kebab(plan.Cause.ToString()),
        new DiagnosisDocument(
            plan.Diagnosis.IsCandidate ? "efs-mount-failure" : "none",
            plan.Diagnosis.IsCandidate ? Kebab(plan.Diagnosis.Form.ToString()) : null,
            plan.Diagnosis.Host,
            plan.Diagnosis.FileSystemId),
        plan.Actions.Select(ActionDocument.From).ToList(),
        plan.Execute,
        plan.EventId,
        plan.TaskArn);

    public string ToJson() => JsonSerializer.Serialize(this, PlanJsonContext.Default.PlanDocument);

    /// <summary>PascalCase enum names to the contract's words: LocalResolverUnreachable → local-resolver-unreachable.</summary>
    internal static string Kebab(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) builder.Append('-');
            builder.Append(char.ToLowerInvariant(pascal[i]));
        }
        return builder.ToString();
    }
}

public sealed record DiagnosisDocument(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Form,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Host,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FileSystemId);

/// <summary>One action; fields that do not apply to its type are left out.</summary>
public sealed record ActionDocument(
    string Type,
    string ClusterArn,
    string? ContainerInstanceArn = null,
    string? Resolver = null,
    string? VerifyHost = null,
    string? TaskArn = null,
    string? TaskDefinitionArn = null,
    string? Group = null,
    string? StartedBy = null,
    int? Attempt = null,
    string? CapacityProvider = null,
    IReadOnlyList<string>? Subnets = null,
    JsonElement? Overrides = null)
{
    public static ActionDocument From(PlannedAction action) => action switch
    {
        FixHost f => new ActionDocument("fix-host", f.ClusterArn, ContainerInstanceArn: f.ContainerInstanceArn,
            Resolver: f.Resolver, VerifyHost: f.VerifyHost, TaskDefinitionArn: f.TaskDefinitionArn),
        Reschedule r => new ActionDocument("reschedule", r.ClusterArn, TaskArn: r.TaskArn,
            TaskDefinitionArn: r.TaskDefinitionArn, Group: r.Group, StartedBy: r.StartedBy, Attempt: r.Attempt,
            CapacityProvider: r.CapacityProvider, Subnets: r.Subnets,
            Overrides: r.OverridesJson is null ? null : JsonDocument.Parse(r.OverridesJson).RootElement.Clone()),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PlanDocument))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class PlanJsonContext : JsonSerializerContext;
