using System.CommandLine;
using System.Text.Json;
using Remediator;
using Remediator.Events;
using Remediator.Planning;

namespace Remediator.Cli;

/// <summary>
/// <c>remediator plan FILE [--config FILE] [--aws-cli]</c>: parse, diagnose and plan one event; print the plan as one
/// JSON object, or with --aws-cli the runbook start the function would send (<see cref="AwsCliRequest"/>).
/// </summary>
public static class PlanCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "An EventBridge event (JSON); - reads standard input" };
        var config = new Option<string?>("--config") { Description = "A JSON object of settings (the REMEDIATOR_* keys) over the deployed function's defaults" };
        var awsCli = new Option<bool>("--aws-cli")
        {
            Description = "Print the StartAutomationExecution request the function would send, as JSON for " +
                          "'aws ssm start-automation-execution --cli-input-json' (runbook and role from --config; " +
                          "default runbook " + AwsCliRequest.DeployedRunbookName + "; with a hub's settings, a member account's event gets the " +
                          "member's runbook and the role to start it as, on stderr). No AWS call. When the plan does not act: " +
                          "nothing on stdout, the reason on stderr",
        };
        var command = new Command("plan", "Decide what the Remediator would do with one event; print the plan as JSON") { file, config, awsCli };
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(file)!, result.GetValue(config), stdout, stderr, cancellationToken, result.GetValue(awsCli)));
        return command;
    }

    public static async Task<int> RunAsync(string file, string? configFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken,
        bool awsCli = false)
    {
        IReadOnlyDictionary<string, string> config;
        RemediatorSettings settings;
        Events.ParseResult parsed;
        try
        {
            config = configFile is null ? new Dictionary<string, string>() : await SettingsFile.ReadValuesAsync(configFile, cancellationToken);
            settings = configFile is null ? RemediatorSettings.Default : RemediatorSettings.From(key => config.GetValueOrDefault(key));
            await using var input = file == "-" ? Console.OpenStandardInput() : OpenEvent(file);
            parsed = await EventParser.ParseAsync(input, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or SettingsException)
        {
            await stderr.WriteLineAsync($"remediator plan: {Describe(e, file)}");
            return ExitCodes.Usage;
        }

        var plan = Planner.Plan(parsed, settings);
        if (!awsCli)
        {
            await stdout.WriteLineAsync(PlanDocument.From(plan).ToJson());
            return ExitCodes.Ok;
        }
        return await PrintStartAsync(plan, config, file, stdout, stderr);
    }

    // The function acts only on an executed plan with a host fix (RemediationPipeline, SsmActuator).
    static async Task<int> PrintStartAsync(Plan plan, IReadOnlyDictionary<string, string> config, string file, TextWriter stdout, TextWriter stderr)
    {
        if (!plan.Execute || plan.FixHost is null)
        {
            var why = plan.Decision == Decision.Remediate && !plan.Execute ? $"observe mode: {plan.Reason}" : plan.Reason;
            await stderr.WriteLineAsync($"remediator plan: no runbook start: {plan.Decision.ToString().ToLowerInvariant()}: {why}");
            return ExitCodes.Ok;
        }
        string json;
        string? memberRole;
        try
        {
            json = AwsCliRequest.Json(plan, config);
            memberRole = AwsCliRequest.MemberRoleArn(plan, config);
        }
        catch (SettingsException e)
        {
            await stderr.WriteLineAsync($"remediator plan: {Describe(e, file)}");
            return ExitCodes.Usage;
        }
        await stdout.WriteLineAsync(json);
        if (plan.NotRescheduled is not null)
            await stderr.WriteLineAsync($"remediator plan: the start fixes the host only: {plan.NotRescheduled}");
        if (memberRole is not null)
            await stderr.WriteLineAsync($"remediator plan: a member account's runbook: start it in that account and Region as {memberRole}");
        return ExitCodes.Ok;
    }

    /// <summary>The event file; an empty path or one with a NUL character is bad usage, not an ArgumentException.</summary>
    static FileStream OpenEvent(string file)
    {
        try
        {
            return File.OpenRead(file);
        }
        catch (ArgumentException)
        {
            throw new IOException($"\"{Printable.Truncate(file, 80)}\" is not a file path");
        }
    }

    static string Describe(Exception e, string file) => e switch
    {
        JsonException j when j.LineNumber is { } line => $"{(file == "-" ? "standard input" : file)} is not valid JSON (line {line + 1}, byte {j.BytePositionInLine + 1})",
        JsonException => $"{(file == "-" ? "standard input" : file)} is not valid JSON",
        FileNotFoundException or DirectoryNotFoundException => $"cannot read {file}: no such file",
        _ => Printable.Truncate(e.Message, 300),
    };
}
