using System.Text.Json.Nodes;

namespace LocalControlPlane.Templates;

/// <summary>One synthesized CloudFormation template and the stack name it deploys as.</summary>
public sealed record StackTemplate
{
    public required string StackName { get; init; }

    public required string TemplateFile { get; init; }

    public required JsonObject Template { get; init; }

    public JsonObject Resources => Template["Resources"] as JsonObject ?? [];

    /// <summary>The resources of a CloudFormation type, by logical id.</summary>
    public IEnumerable<(string LogicalId, JsonObject Resource)> ResourcesOfType(string type) =>
        Resources.Where(r => r.Value is JsonObject o && o["Type"]?.GetValue<string>() == type)
            .Select(r => (r.Key, (JsonObject)r.Value!));
}
