using System.Diagnostics;
using Amazon.CDK;
using Amazon.JSII.Runtime.Deputy;

namespace Infra.Bundling;

/// <summary>
/// Bundles a .NET Lambda project with `dotnet publish` on this machine, so synth needs no Docker.
/// Inherits DeputyBase: jsii ignores a plain C# ILocalBundling and CDK would fall back to Docker.
/// </summary>
public sealed class DotnetPublishBundling(string projectFile) : DeputyBase, ILocalBundling
{
    /// <summary>How the function is published; part of its asset hash (<see cref="RemediatorCode.SourceHash"/>).</summary>
    public static readonly IReadOnlyList<string> PublishOptions = ["-c", "Release", "-r", "linux-arm64", "--self-contained", "false"];

    /// <summary>Publishes into <paramref name="outputDir"/>; a failed publish throws (returning false would mean "use Docker").</summary>
    public bool TryBundle(string outputDir, IBundlingOptions options)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["publish", projectFile, .. PublishOptions, "-o", outputDir, "--nologo", "-v", "quiet"])
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish: could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish {projectFile} failed with exit code {process.ExitCode}:\n{stdout.Result}{stderr.Result}");
        if (!File.Exists(Path.Combine(outputDir, Path.GetFileNameWithoutExtension(projectFile) + ".dll")))
            throw new InvalidOperationException($"dotnet publish {projectFile}: no {Path.GetFileNameWithoutExtension(projectFile)}.dll in {outputDir}");
        return true;
    }
}
