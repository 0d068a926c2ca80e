using System.Diagnostics;

namespace LocalAws.Models;

/// <summary>
/// Where botocore's service models live (botocore/data/&lt;service&gt;/&lt;version&gt;/service-2.json[.gz]). The models are
/// AWS's own description of every API, shipped with botocore; they are read at run time and never copied here.
/// </summary>
public static class BotocoreData
{
    /// <summary>Set to a botocore data directory to skip asking python3 where botocore is installed.</summary>
    public const string DirectoryVariable = "LOCALAWS_BOTOCORE_DATA";

    static readonly Lazy<string> Located = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The data directory; throws with what to install when botocore cannot be found.</summary>
    public static string Directory => Located.Value;

    /// <summary>The newest model file of <paramref name="service"/> ("ssm", "dynamodb", "ecs", "sns").</summary>
    public static string ModelFile(string service)
    {
        var serviceDirectory = Path.Combine(Directory, service);
        if (!System.IO.Directory.Exists(serviceDirectory))
            throw new InvalidOperationException($"botocore has no model for service '{service}' under {Directory}");
        var version = System.IO.Directory.GetDirectories(serviceDirectory).Order(StringComparer.Ordinal).Last();
        return new[] { "service-2.json.gz", "service-2.json" }.Select(f => Path.Combine(version, f)).FirstOrDefault(File.Exists)
               ?? throw new InvalidOperationException($"no service-2.json(.gz) in {version}");
    }

    static string Locate()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
            return System.IO.Directory.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{DirectoryVariable}={configured} is not a directory");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("LOCALAWS_PYTHON") ?? "python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data'))");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !System.IO.Directory.Exists(output))
            throw new InvalidOperationException(
                $"botocore's models were not found (python3 -c 'import botocore' failed: {error.Trim()}); install botocore (pip install botocore) or set {DirectoryVariable}");
        return output;
    }
}
