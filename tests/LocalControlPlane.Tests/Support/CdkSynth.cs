using System.Diagnostics;

namespace LocalControlPlane.Tests.Support;

/// <summary>
/// The app's configuration variants, synthesized by tests/infra/synth-variants.sh into .artifacts/cdk.out/&lt;variant&gt;
/// with `npx cdk synth`, as a user would. The script leaves alone a variant synthesized from the sources as they
/// are now (CI synthesizes every variant before the tests) and synthesizes any other, so a test never reads an
/// assembly older than the sources.
/// </summary>
public static class CdkSynth
{
    /// <summary>The cloud assembly of <paramref name="variant"/> (a name that `synth-variants.sh --list` prints), current with the sources; throws with stderr's tail when synth fails.</summary>
    public static string Variant(string root, string variant)
    {
        var start = new ProcessStartInfo(Path.Combine(root, "tests", "infra", "synth-variants.sh"))
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(variant);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("synth-variants.sh did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"synth-variants.sh {variant} failed ({process.ExitCode}): {stderr.Result[^Math.Min(2000, stderr.Result.Length)..]}");
        return Path.Combine(root, ".artifacts", "cdk.out", variant);
    }
}
