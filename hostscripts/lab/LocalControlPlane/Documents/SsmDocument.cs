using System.Text.Json.Nodes;

namespace LocalControlPlane.Documents;

/// <summary>An SSM document as deployed: its name, type (Automation, Command...) and resolved content.</summary>
public sealed record SsmDocument
{
    public required string Name { get; init; }

    public required string DocumentType { get; init; }

    public required JsonObject Content { get; init; }

    /// <summary>Where it came from, for messages: "EcsDnsRemediation/Runbook".</summary>
    public required string Source { get; init; }

    public string SchemaVersion => Content["schemaVersion"]?.GetValue<string>() ?? "";

    public IReadOnlyList<DocumentParameter> Parameters =>
        Content["parameters"] is JsonObject map
            ? map.Select(p => DocumentParameter.From(p.Key, p.Value as JsonObject ?? [])).ToArray()
            : [];
}
