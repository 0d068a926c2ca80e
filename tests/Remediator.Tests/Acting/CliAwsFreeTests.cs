using System.Diagnostics;

namespace Remediator.Tests.Acting;

/// <summary>The plan CLI shares the Remediator assembly with the act step but must not need the AWS SDK at run time.</summary>
public sealed class CliAwsFreeTests
{
    [Fact]
    public async Task Plan_WithoutAwsAssemblies_StillPlans()
    {
        var directory = Directory.CreateTempSubdirectory("remediator-cli-");
        try
        {
            // Only the CLI, the Remediator, the contracts and System.CommandLine: no AWSSDK*.dll and no deps.json that would name them.
            foreach (var file in new[] { "Remediator.Cli.dll", "Remediator.Cli.runtimeconfig.json", "Remediator.dll", "Remediation.Contracts.dll", "System.CommandLine.dll" })
                File.Copy(Path.Combine(AppContext.BaseDirectory, file), Path.Combine(directory.FullName, file));
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { Path.Combine(directory.FullName, "Remediator.Cli.dll"), "plan", SampleEvents.Path("ec2-awsvpc-standalone.json") })
                start.ArgumentList.Add(arg);

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.True(process.ExitCode == 0, await stderr);
            Assert.Contains("\"decision\":\"remediate\"", await stdout);
            Assert.DoesNotContain(directory.GetFiles(), f => f.Name.StartsWith("AWSSDK", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
