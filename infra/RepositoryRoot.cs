namespace Infra;

/// <summary>Finds the repository root (the folder holding Remediation.sln), from where the app or its tests run.</summary>
public static class RepositoryRoot
{
    const string Marker = "Remediation.sln";

    /// <summary>The root found above the current directory, else above the assembly's folder.</summary>
    public static string Find() =>
        Above(Directory.GetCurrentDirectory()) ?? Above(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"cannot find {Marker} above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}; run the app from the repository");

    static string? Above(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Marker)))
                return dir.FullName;
        }
        return null;
    }
}
