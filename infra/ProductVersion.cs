using System.Reflection;

namespace Infra;

/// <summary>
/// The product's version: Directory.Build.props' &lt;Version&gt;, which every project of the repository shares, read
/// back from this assembly. IncludeSourceRevisionInInformationalVersion is off there, so no commit hash is appended
/// and a template changes only when the release does.
/// </summary>
public static class ProductVersion
{
    public static string Current { get; } =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? throw new InvalidOperationException("the Infra assembly carries no informational version (Directory.Build.props' <Version>)");
}
