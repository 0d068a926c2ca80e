namespace Remediator.Bench;

/// <summary>The sample events in tests/events, found from the working directory or the binary's folder upwards.</summary>
public static class Corpus
{
    public static string Directory { get; } = Find();

    public static byte[] Read(string relative) => File.ReadAllBytes(Path.Combine(Directory, relative));

    static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "events");
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
        }
        throw new DirectoryNotFoundException("tests/events not found above the working directory; run from the repository");
    }
}
