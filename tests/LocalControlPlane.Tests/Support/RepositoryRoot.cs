namespace LocalControlPlane.Tests.Support;

/// <summary>The repository this test assembly was built in (the directory holding Remediation.sln).</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Remediation.sln"))) return dir.FullName;
        throw new InvalidOperationException("Remediation.sln not found above " + AppContext.BaseDirectory);
    }
}
