namespace Remediator.Bench;

/// <summary>The sample events in tests/events.</summary>
public static class Corpus
{
    public static string Directory => Remediation.Testing.RepositoryRoot.Events;

    public static byte[] Read(string relative) => File.ReadAllBytes(Path.Combine(Directory, relative));
}
