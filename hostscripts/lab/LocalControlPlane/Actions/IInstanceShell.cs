namespace LocalControlPlane.Actions;

/// <summary>What a shell script did on an instance.</summary>
public sealed record ShellResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a script file with bash on a managed instance (by EC2 instance id), as the SSM agent runs
/// aws:runShellScript. The lab implements it by running the script inside the lab's container instance.
/// Cancelling the token must end the script.
/// </summary>
public interface IInstanceShell
{
    Task<ShellResult> RunScriptAsync(string instanceId, string scriptPath, CancellationToken cancellationToken);
}
