using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalControlPlane.Templates;

/// <summary>
/// The stacks `cdk synth` wrote: manifest.json → artifacts of type aws:cloudformation:stack → their
/// template files (nested assemblies, such as stages, are followed).
/// </summary>
public sealed record CloudAssembly
{
    public required IReadOnlyList<StackTemplate> Stacks { get; init; }

    /// <summary>Reads <paramref name="directory"/>/manifest.json and every stack template it names.</summary>
    public static CloudAssembly Read(string directory)
    {
        var stacks = new List<StackTemplate>();
        ReadInto(directory, stacks);
        if (stacks.Count == 0)
            throw new CloudAssemblyException($"{Path.Combine(directory, "manifest.json")}: names no CloudFormation stack; run `npx cdk synth` first");
        return new CloudAssembly { Stacks = stacks };
    }

    static void ReadInto(string directory, List<StackTemplate> stacks)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        var manifest = ReadObject(manifestPath);
        if (manifest["artifacts"] is not JsonObject artifacts)
            throw new CloudAssemblyException($"{manifestPath}: has no artifacts");
        foreach (var (id, node) in artifacts)
        {
            if (node is not JsonObject artifact) continue;
            var properties = artifact["properties"] as JsonObject;
            switch (artifact["type"]?.GetValue<string>())
            {
                case "aws:cloudformation:stack":
                    var file = properties?["templateFile"]?.GetValue<string>()
                        ?? throw new CloudAssemblyException($"{manifestPath}: stack {id} has no templateFile");
                    var path = Path.Combine(directory, file);
                    stacks.Add(new StackTemplate
                    {
                        StackName = properties?["stackName"]?.GetValue<string>() ?? id,
                        TemplateFile = path,
                        Template = ReadObject(path),
                    });
                    break;
                case "cdk:cloud-assembly":
                    var nested = properties?["directoryName"]?.GetValue<string>()
                        ?? throw new CloudAssemblyException($"{manifestPath}: nested assembly {id} has no directoryName");
                    ReadInto(Path.Combine(directory, nested), stacks);
                    break;
            }
        }
    }

    static JsonObject ReadObject(string path)
    {
        if (!File.Exists(path))
            throw new CloudAssemblyException($"{path}: not found; run `npx cdk synth` first");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new CloudAssemblyException($"{path}: is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CloudAssemblyException($"{path}: is not valid JSON ({e.Message})");
        }
    }
}
