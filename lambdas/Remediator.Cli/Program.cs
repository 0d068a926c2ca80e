using System.CommandLine;
using Remediator.Cli;
using Remediator.Cli.Fleet;

var root = new RootCommand("""
    remediator: the ECS DNS Remediator's pipeline from a shell.

    Exit codes (every command):
      0  done (plan: any decision on a well-formed event; fleet: every instance healthy, fixed, rolled back or untouched)
      1  something is at risk, failed or silent (fleet)
      2  bad usage, an unreadable file, malformed JSON, an invalid setting or an AWS error: nothing was done
    """);
root.Subcommands.Add(PlanCommand.Create(Console.Out, Console.Error));
root.Subcommands.Add(FleetCommand.Create(Console.Out, Console.Error, Console.In));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    await Console.Error.WriteLineAsync($"remediator: {parsed.Errors[0].Message} (see --help)");
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync();
