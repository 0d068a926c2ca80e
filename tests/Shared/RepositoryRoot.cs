namespace Remediation.Testing;

/// <summary>
/// The repository the tests and benchmarks run from (the folder holding Remediation.sln), found above the
/// working directory or the binaries, and its sample events. One copy, linked into each project that needs it.
/// </summary>
internal static class RepositoryRoot
{
    const string Marker = "Remediation.sln";

    public static string Path { get; } = Find();

    /// <summary>tests/events: the sample ECS Task State Change events (failure/ and healthy/).</summary>
    public static string Events => System.IO.Path.Combine(Path, "tests", "events");

    static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, Marker))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"{Marker} not found above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}; run from the repository");
    }
}
