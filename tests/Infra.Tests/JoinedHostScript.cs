using System.Diagnostics;

namespace Infra.Tests;

/// <summary>
/// A host script joined with its library by tests/hostscripts/join-hostlib.sh, the join the bats suites run: the
/// app's own join (HostScript.Joined) is held to it byte for byte, so the suites judge what the instances get.
/// </summary>
public static class JoinedHostScript
{
    public static byte[] ByTheBatsJoin(string repositoryRoot, string fileName)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(repositoryRoot, "tests", "hostscripts", "join-hostlib.sh"), Path.Combine(repositoryRoot, "hostscripts", fileName) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEnd();
        copy.Wait();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"join-hostlib.sh {fileName}: exit {process.ExitCode}: {error}");
        return output.ToArray();
    }
}
