using System.Text.Json.Nodes;

namespace Remediator.Tests.Support;

/// <summary>The sample events in tests/events, and edited copies of them for rule tests.</summary>
public static class Corpus
{
    public static string Directory => Remediation.Testing.RepositoryRoot.Events;

    public static string Path(string relative) => System.IO.Path.Combine(Directory, relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    public static IEnumerable<string> Files(string folder) =>
        System.IO.Directory.GetFiles(Path(folder), "*.json").Order(StringComparer.Ordinal)
            .Select(f => System.IO.Path.GetRelativePath(Directory, f));

    /// <summary>A copy of a sample event with <paramref name="edit"/> applied to its JSON.</summary>
    public static byte[] Edited(string relative, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(Bytes(relative))!.AsObject();
        edit(root);
        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
