using System.CommandLine;
using Remediator.Cli;
using Remediator.Cli.Fleet;

var root = new RootCommand("remediator: the ECS DNS Remediator's pipeline from a shell");
root.Subcommands.Add(PlanCommand.Create(Console.Out, Console.Error));
root.Subcommands.Add(FleetCommand.Create(Console.Out, Console.Error, Console.In));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    await Console.Error.WriteLineAsync($"remediator: {parsed.Errors[0].Message} (see --help)");
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync();
