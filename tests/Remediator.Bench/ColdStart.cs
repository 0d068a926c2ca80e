using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalAws;

namespace Remediator.Bench;

/// <summary>
/// <c>coldstart</c>: publishes the child programs (the Remediator's entry point with and without ReadyToRun,
/// and a bare console program), then launches each as a new process N times, in turn, measuring from just
/// before the process starts to the line saying the first event was handled (against the local endpoint).
/// </summary>
public static class ColdStart
{
    const string Runbook = "EcsDnsRemediation-FixHost";
    const string Table = "remediation-claims";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length == 2 && args[0] == "--runs" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var root = Remediation.Testing.RepositoryRoot.Path;
        var work = Directory.CreateTempSubdirectory("remediator-coldstart-");
        try
        {
            var bare = await PublishAsync(root, "tests/ColdStart.Bare", Path.Combine(work.FullName, "bare"), readyToRun: true);
            var r2r = await PublishAsync(root, "tests/Remediator.ColdStart", Path.Combine(work.FullName, "r2r"), readyToRun: true);
            var jit = await PublishAsync(root, "tests/Remediator.ColdStart", Path.Combine(work.FullName, "jit"), readyToRun: false);

            await using var endpoint = await LocalAwsEndpoint.StartAsync();
            endpoint.Ssm.RegisterAutomationDocument(Runbook, "ClusterArn", "ContainerInstanceArn", "FixHost", "Resolver", "VerifyHost", "Reschedule",
                "TaskDefinitionArn", "Group", "StartedBy", "CapacityProvider", "Subnets", "ContainerOverrides");
            endpoint.Dynamo.CreateTable(Table);
            var environment = new Dictionary<string, string>
            {
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ENDPOINT_URL"] = endpoint.Url,
                ["AWS_ACCESS_KEY_ID"] = "bench",
                ["AWS_SECRET_ACCESS_KEY"] = "bench",
                ["REMEDIATOR_SAFE_CAPACITY_PROVIDER"] = "safe-capacity",
                ["REMEDIATOR_RUNBOOK_NAME"] = Runbook,
                ["REMEDIATOR_CLAIMS_TABLE"] = Table,
            };

            var times = new Dictionary<string, List<double>> { ["bare"] = [], ["r2r"] = [], ["jit"] = [] };
            var template = JsonNode.Parse(Corpus.Read("failure/ec2-awsvpc-standalone.json"))!.AsObject();
            var launch = 0;
            for (var run = 0; run < runs; run++)
            {
                foreach (var (name, program) in new[] { ("bare", bare), ("r2r", r2r), ("jit", jit) })
                {
                    var e = (JsonObject)template.DeepClone();
                    // A new task on a new container instance each time: every launch does the same work (claims, one start).
                    launch++;
                    e["detail"]!["taskArn"] = $"arn:aws:ecs:us-east-1:111122223333:task/prod/{launch:x32}";
                    e["detail"]!["containerInstanceArn"] = $"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/{launch + 0x100:x32}";
                    var file = Path.Combine(work.FullName, $"event-{name}-{run}.json");
                    await File.WriteAllTextAsync(file, e.ToJsonString());
                    var (ms, line) = await LaunchAsync(program, file, environment);
                    if (name != "bare" && !line.Contains("\"outcome\":\"acted\"", StringComparison.Ordinal))
                        throw new InvalidOperationException($"{name} run {run} did not act: {line}");
                    times[name].Add(ms);
                }
                Console.Error.WriteLine($"coldstart: run {run + 1}/{runs}: bare {times["bare"][^1]:F0} ms, ReadyToRun {times["r2r"][^1]:F0} ms, JIT {times["jit"][^1]:F0} ms");
            }

            double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            var result = new ColdStartResult(runs, Math.Round(Median(times["bare"]), 1), Math.Round(Median(times["r2r"]), 1), Math.Round(Median(times["jit"]), 1),
                Math.Round(Median(times["r2r"]) / Median(times["bare"]), 2), Math.Round(Median(times["jit"]) / Median(times["bare"]), 2));
            Console.WriteLine(JsonSerializer.Serialize(result, BenchJsonContext.Default.ColdStartResult));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    static async Task<string> PublishAsync(string root, string project, string output, bool readyToRun)
    {
        Console.Error.WriteLine($"coldstart: publishing {project} (ReadyToRun {(readyToRun ? "on" : "off")})");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "--nologo", "-v:quiet",
                     $"-p:PublishReadyToRun={readyToRun.ToString().ToLowerInvariant()}", "-o", output })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish {project} failed: {await stdout}{await stderr}");
        return Path.Combine(output, Path.GetFileName(project) + ".dll");
    }

    static async Task<(double Ms, string Line)> LaunchAsync(string program, string eventFile, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(program);
        info.ArgumentList.Add(eventFile);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("handled ", StringComparison.Ordinal))
        {
        }
        var ms = clock.Elapsed.TotalMilliseconds;
        await process.WaitForExitAsync();
        return line is null
            ? throw new InvalidOperationException($"{Path.GetFileName(program)} exited {process.ExitCode} without handling the event: {await stderr}")
            : (ms, line);
    }
}
