using System.CommandLine;
using System.Text.Json;
using Remediator;
using Remediator.Events;
using Remediator.Planning;

namespace Remediator.Cli;

/// <summary><c>remediator plan FILE [--config FILE]</c>: parse, diagnose and plan one event; print the plan as one JSON object.</summary>
public static class PlanCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "An EventBridge event (JSON); - reads standard input" };
        var config = new Option<string?>("--config") { Description = "A JSON object of settings (the REMEDIATOR_* keys) over the deployed function's defaults" };
        var command = new Command("plan", "Decide what the Remediator would do with one event; print the plan as JSON") { file, config };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(file)!, result.GetValue(config), stdout, stderr, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string file, string? configFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        RemediatorSettings settings;
        Events.ParseResult parsed;
        try
        {
            settings = configFile is null ? RemediatorSettings.Default : await SettingsFile.ReadAsync(configFile, cancellationToken);
            await using var input = file == "-" ? Console.OpenStandardInput() : File.OpenRead(file);
            parsed = await EventParser.ParseAsync(input, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or SettingsException)
        {
            await stderr.WriteLineAsync($"remediator plan: {Describe(e, file)}");
            return ExitCodes.Usage;
        }

        await stdout.WriteLineAsync(PlanDocument.From(Planner.Plan(parsed, settings)).ToJson());
        return ExitCodes.Ok;
    }

    static string Describe(Exception e, string file) => e switch
    {
        JsonException j when j.LineNumber is { } line => $"{(file == "-" ? "standard input" : file)} is not valid JSON (line {line + 1}, byte {j.BytePositionInLine + 1})",
        JsonException => $"{(file == "-" ? "standard input" : file)} is not valid JSON",
        FileNotFoundException or DirectoryNotFoundException => $"cannot read {file}: no such file",
        _ => Printable.Truncate(e.Message, 300),
    };
}
