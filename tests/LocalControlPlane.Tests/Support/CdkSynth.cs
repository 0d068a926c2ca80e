using System.Diagnostics;

namespace LocalControlPlane.Tests.Support;

/// <summary>Runs `npx --no-install cdk synth` from the repository into a directory, as a user would.</summary>
public static class CdkSynth
{
    // One synth at a time: each builds infra/ and publishes lambdas/Remediator into the same obj/ folders, and
    // xunit builds the fixtures of different test classes in parallel.
    static readonly Lock OneAtATime = new();

    /// <summary>Synthesizes into <paramref name="output"/> with the given <c>-c key=value</c> context; throws with stderr's tail when synth fails.</summary>
    public static void Run(string root, string output, params string[] context)
    {
        lock (OneAtATime) Synthesize(root, output, context);
    }

    static void Synthesize(string root, string output, string[] context)
    {
        var start = new ProcessStartInfo("npx") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--no-install", "cdk", "synth", "--quiet", "--output", output }) start.ArgumentList.Add(argument);
        foreach (var pair in context)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(pair);
        }
        start.Environment["CDK_DISABLE_VERSION_CHECK"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("npx did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"cdk synth failed ({process.ExitCode}): {stderr.Result[^Math.Min(2000, stderr.Result.Length)..]}");
    }
}
