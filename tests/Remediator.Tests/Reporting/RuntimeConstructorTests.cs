using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Remediation.Testing;

namespace Remediator.Tests.Reporting;

/// <summary>
/// The constructor the managed runtime calls, <c>new Function()</c>, with the runtime's Console.Out in place: its
/// lines must reach the process's file descriptor 1. The test points fd 1 at a file (dup2) for the duration.
/// Linux only, like the Lambda runtime; the settings come from the process environment, as in Lambda.
/// </summary>
[Collection(nameof(ProcessConsole))]
public sealed class RuntimeConstructorTests
{
    const int StandardOutput = 1;

    // DllImport: LibraryImport would need unsafe code in the whole test project for two int calls.
    [DllImport("libc", SetLastError = true)]
    static extern int dup(int fd);

    [DllImport("libc", SetLastError = true)]
    static extern int dup2(int from, int to);

    static readonly Dictionary<string, string> Settings = new()
    {
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["REMEDIATOR_SAFE_CAPACITY_PROVIDER"] = "safe-capacity",
        ["REMEDIATOR_RUNBOOK_NAME"] = "EcsDnsRemediation-Remediate",
        ["REMEDIATOR_CLAIMS_TABLE"] = "claims",
        ["REMEDIATOR_HOST_FIX_WINDOW_MINUTES"] = "15",
        ["REMEDIATOR_METRICS_NAMESPACE"] = "EcsDnsRemediation",
    };

    [Theory]
    [InlineData(LambdaLogFormat.Text)]
    [InlineData(LambdaLogFormat.Json)]
    public async Task DefaultConstructor_UnderTheRuntimeConsole_WritesTopLevelJsonToFileDescriptorOne(LambdaLogFormat format)
    {
        var captured = Path.GetTempFileName();
        var wrapped = new StringWriter();
        var console = Console.Out;
        var saved = new Dictionary<string, string?>();
        var savedFd = dup(StandardOutput);
        Assert.True(savedFd >= 0, $"dup failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            foreach (var (key, value) in Settings)
            {
                saved[key] = Environment.GetEnvironmentVariable(key);
                Environment.SetEnvironmentVariable(key, value);
            }
            await using (var file = new FileStream(captured, FileMode.Open, FileAccess.Write))
                Assert.True(dup2((int)file.SafeFileHandle.DangerousGetHandle(), StandardOutput) >= 0, "dup2 failed");
            Console.SetOut(new RuntimeSupportConsole(wrapped, format, "8f5c2e1a-0000-4000-8000-000000000002"));

            var function = new Function();
            await using var input = File.OpenRead(Path.Combine(RepositoryRoot.Events, "failure", "fargate-efs-utils.json"));
            await (await function.Handle(input)).DisposeAsync();
        }
        finally
        {
            dup2(savedFd, StandardOutput);
            Console.SetOut(console);
            foreach (var (key, value) in saved)
                Environment.SetEnvironmentVariable(key, value);
        }

        var lines = File.ReadAllLines(captured, Encoding.UTF8).Where(l => l.Length > 0).ToList();
        File.Delete(captured);
        Assert.Equal(2, lines.Count);
        var emf = Assert.Single(lines.Select(l => Assert.IsType<JsonObject>(JsonNode.Parse(l))), o => o.ContainsKey("_aws"));
        Assert.Equal(1, (int)emf["Notifications"]!);
        Assert.Empty(wrapped.ToString());
    }
}
