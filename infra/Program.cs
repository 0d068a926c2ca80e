using System.Text.Json;
using Amazon.CDK;
using Infra;
using Infra.Bundling;
using Infra.Configuration;
using Infra.Documents;
using Infra.Stacks;

try
{
    var app = new App();
    var root = RepositoryRoot.Find();
    var config = ConfigReader.Read(key => app.Node.TryGetContext(key), ContextKeys(root));
    _ = AppStacks.Build(app, config, root, RemediatorCode.FromRepository(root));
    app.Synth();
    return 0;
}
catch (Exception e) when (e is ConfigException or HostScriptException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// The context keys the CLI passes (cdk.json and -c) and those in cdk.json, to reject unknown "remediation:" keys.
static IEnumerable<string> ContextKeys(string root)
{
    var keys = new List<string>();
    void From(string? json, string? property)
    {
        if (string.IsNullOrWhiteSpace(json))
            return;
        using var doc = JsonDocument.Parse(json);
        var element = property is null ? doc.RootElement : doc.RootElement.TryGetProperty(property, out var p) ? p : default;
        if (element.ValueKind == JsonValueKind.Object)
            keys.AddRange(element.EnumerateObject().Select(o => o.Name));
    }
    From(System.Environment.GetEnvironmentVariable("CDK_CONTEXT_JSON"), null);
    var cdkJson = Path.Combine(root, "cdk.json");
    if (File.Exists(cdkJson))
        From(File.ReadAllText(cdkJson), "context");
    return keys;
}
