using System.Text.Json;
using System.Text.Json.Nodes;
using LocalControlPlane.Templates;

namespace LocalControlPlane.Documents;

/// <summary>
/// The SSM documents and Lambda functions of a synthesized cloud assembly, with every intrinsic resolved,
/// indexed by the name callers use: the document's Name property, or its logical id when it sets none.
/// Also the other resources a runbook may address: SNS topics (by ARN).
/// </summary>
public sealed record DocumentCatalog
{
    public required IReadOnlyDictionary<string, SsmDocument> Documents { get; init; }

    public required IReadOnlyList<LambdaFunction> Functions { get; init; }

    public required IReadOnlyList<string> TopicArns { get; init; }

    public required LocalAccount Account { get; init; }

    /// <summary>Reads cdk.out (or another cloud assembly directory).</summary>
    public static DocumentCatalog Load(string cloudAssemblyDirectory, LocalAccount? account = null) =>
        From(CloudAssembly.Read(cloudAssemblyDirectory), account ?? new LocalAccount());

    public static DocumentCatalog From(CloudAssembly assembly, LocalAccount account)
    {
        var resolver = new IntrinsicResolver(assembly, account);
        var documents = new Dictionary<string, SsmDocument>(StringComparer.Ordinal);
        var functions = new List<LambdaFunction>();
        var topics = new List<string>();
        foreach (var stack in assembly.Stacks)
        {
            foreach (var (id, resource) in stack.ResourcesOfType("AWS::SSM::Document"))
            {
                var properties = resolver.Resolve(stack, resource["Properties"]) as JsonObject ?? [];
                var name = properties["Name"]?.GetValue<string>() ?? id;
                var content = properties["Content"] switch
                {
                    JsonObject o => o,
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => ParseContent(stack, id, v.GetValue<string>()),
                    _ => throw new CloudAssemblyException($"{stack.TemplateFile}: document {id} has no Content object"),
                };
                if (!documents.TryAdd(name, new SsmDocument
                {
                    Name = name,
                    DocumentType = properties["DocumentType"]?.GetValue<string>() ?? "Command",
                    Content = content,
                    Source = $"{stack.StackName}/{id}",
                }))
                    throw new CloudAssemblyException($"{stack.TemplateFile}: two documents are named {name}");
            }
            foreach (var (id, resource) in stack.ResourcesOfType("AWS::Lambda::Function"))
            {
                var properties = resolver.Resolve(stack, resource["Properties"]) as JsonObject ?? [];
                var variables = properties["Environment"]?["Variables"] as JsonObject ?? [];
                functions.Add(new LambdaFunction
                {
                    LogicalId = id,
                    Handler = properties["Handler"]?.GetValue<string>() ?? "",
                    Runtime = properties["Runtime"]?.GetValue<string>() ?? "",
                    Environment = variables.ToDictionary(v => v.Key, v => v.Value?.GetValue<string>() ?? "", StringComparer.Ordinal),
                });
            }
            foreach (var (id, _) in stack.ResourcesOfType("AWS::SNS::Topic"))
                topics.Add(resolver.Ref(stack, id));
        }
        return new DocumentCatalog { Documents = documents, Functions = functions, TopicArns = topics, Account = account };
    }

    /// <summary>The document named <paramref name="name"/> of type <paramref name="type"/>, or the error SSM answers.</summary>
    public SsmDocument Get(string name, string type) =>
        Documents.TryGetValue(name, out var d) && d.DocumentType == type
            ? d
            : throw new ControlPlaneError(type == "Automation" ? "AutomationDefinitionNotFoundException" : "InvalidDocument",
                $"{type} document {name} not found (known: {string.Join(", ", Documents.Values.Where(x => x.DocumentType == type).Select(x => x.Name))})");

    /// <summary>The one function whose handler is <paramref name="handler"/>.</summary>
    public LambdaFunction Function(string handler) =>
        Functions.SingleOrDefault(f => f.Handler == handler)
        ?? throw new CloudAssemblyException($"no single Lambda function with handler {handler} in the templates (found: {string.Join(", ", Functions.Select(f => f.Handler))})");

    static JsonObject ParseContent(StackTemplate stack, string id, string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            throw new CloudAssemblyException($"{stack.TemplateFile}: document {id} has string content that is not JSON (YAML content is not supported locally)");
        }
    }
}
