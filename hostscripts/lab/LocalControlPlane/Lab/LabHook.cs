using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalControlPlane.Actions;
using LocalControlPlane.Ecs;

namespace LocalControlPlane.Lab;

/// <summary>
/// The lab behind the control plane, as an executable (hostscripts/lab/demo.sh's hook) with two commands:
/// <c>HOOK instance-exec EC2_ID bash SCRIPT</c> runs a script on the lab's container instance (its network
/// namespace and /etc), exiting with the script's code; <c>HOOK start-task TASK_ARN EC2_ID TASK_DEFINITION_ARN</c> starts a task
/// in a new task network namespace on that instance, mounts as the volume plugin does, and prints as its last
/// stdout line {"lastStatus": "RUNNING"|"STOPPED", "stoppedReason": "..."}; its progress lines (stderr) join the timeline.
/// </summary>
public sealed class LabHook(string hookPath, TextWriter? timeline = null) : IInstanceShell, ITaskLauncher
{
    public async Task<ShellResult> RunScriptAsync(string instanceId, string scriptPath, CancellationToken cancellationToken) =>
        await RunAsync(["instance-exec", instanceId, "bash", scriptPath], cancellationToken).ConfigureAwait(false);

    public async Task<TaskLaunchResult> LaunchAsync(TaskLaunch launch, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["start-task", launch.TaskArn, launch.Instance.Ec2InstanceId, launch.TaskDefinitionArn], cancellationToken).ConfigureAwait(false);
        foreach (var line in result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)) timeline?.WriteLine(line);
        var last = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        try
        {
            var json = JsonNode.Parse(last) as JsonObject ?? throw new JsonException();
            var status = json["lastStatus"]?.GetValue<string>();
            if (result.ExitCode != 0 || status is not ("RUNNING" or "STOPPED")) throw new JsonException();
            return new TaskLaunchResult(status, json["stoppedReason"]?.GetValue<string>());
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"lab hook start-task failed (exit {result.ExitCode}): {result.Stderr.Trim()} {last}");
        }
    }

    async Task<ShellResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(hookPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{hookPath} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ShellResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
