using System.Net;
using System.Text.Json.Nodes;
using LocalAws;
using LocalControlPlane;
using LocalControlPlane.Actions;
using LocalControlPlane.Documents;
using LocalControlPlane.Lab;
using Remediation.Contracts;

namespace Remediator.Demo;

/// <summary>
/// <c>Remediator.Demo fleet-endpoint --cdk-out DIR --hook FILE --instance ID ...</c>: the local SSM endpoint with
/// the lab's container instances as managed instances, tagged with the cluster <c>lab</c>, so that the real
/// <c>remediator fleet</c> commands run against the lab. A SendCommand of the host fix document runs the document
/// as cdk synth wrote it (its parameters validated, its script run with bash) on each targeted instance through
/// the hook, before SendCommand answers. Prints one JSON line, {"url", "document", "cluster", "tagKey"}, then
/// serves until its standard input closes.
/// </summary>
public static class FleetEndpoint
{
    public const string Mode = "fleet-endpoint";

    /// <summary>The cluster the instances are tagged with.</summary>
    public const string Cluster = "lab";

    const string Usage = "usage: Remediator.Demo fleet-endpoint --cdk-out DIR --hook FILE --instance i-... [--instance i-...]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter timeline)
    {
        string? cdkOut = null, hookPath = null;
        var instances = new List<string>();
        for (var i = 0; i < args.Count; i += 2)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value; {Usage}");
            switch (args[i])
            {
                case "--cdk-out": cdkOut = value; break;
                case "--hook": hookPath = value; break;
                case "--instance" when System.Text.RegularExpressions.Regex.IsMatch(value, "^i-[0-9a-f]{8,17}$"): instances.Add(value); break;
                case "--instance": throw new ArgumentException($"--instance {value} is not an EC2 instance id");
                default: throw new ArgumentException($"unexpected argument {args[i]}; {Usage}");
            }
        }
        if (cdkOut is null || hookPath is null || instances.Count == 0) throw new ArgumentException(Usage);
        if (!File.Exists(hookPath)) throw new ArgumentException($"--hook {hookPath}: not found");

        var catalog = DocumentCatalog.Load(cdkOut);
        // The host fix document is the one the runbook's FixHost step runs, whatever the stack is called.
        var function = catalog.Functions.SingleOrDefault(f => f.Environment.ContainsKey(RemediatorEnvironment.RunbookName))
            ?? throw new CloudAssemblyException($"{cdkOut}: no Lambda function with {RemediatorEnvironment.RunbookName} in its environment");
        var runbook = catalog.Get(function.Environment[RemediatorEnvironment.RunbookName], "Automation");
        var fixDocument = runbook.Content["mainSteps"]!.AsArray().Single(s => (string?)s!["name"] == "FixHost")!["inputs"]!["DocumentName"]!.GetValue<string>();
        var document = catalog.Get(fixDocument, "Command");

        var commands = new CommandRunner(catalog, new LabHook(hookPath, timeline), timeline);
        await using var endpoint = await LocalAwsEndpoint.StartAsync();
        endpoint.Ssm.RegisterCommandDocument(document.Name, document.Parameters.Select(p => p.Name).ToArray());
        foreach (var id in instances)
        {
            var tags = new Dictionary<string, string> { [InstanceTags.Cluster] = Cluster };
            endpoint.Ssm.AddManagedInstance(new ManagedInstance(id, tags, command => Run(commands, command, id)));
        }
        await stdout.WriteLineAsync(new JsonObject
        {
            ["url"] = endpoint.Url,
            ["document"] = document.Name,
            ["cluster"] = Cluster,
            ["tagKey"] = InstanceTags.Cluster,
        }.ToJsonString());
        await stdout.FlushAsync();
        timeline.WriteLine($"[fleet-endpoint] SSM on {endpoint.Url}: {document.Name} on {string.Join(", ", instances)}; serving until stdin closes");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>Runs the sent document on one instance, as the SSM agent would, and answers with its result.</summary>
    static CommandReply Run(CommandRunner commands, SentCommand command, string instanceId)
    {
        try
        {
            // The endpoint asks for the reply inside SendCommand; the lab answers before SendCommand returns.
            var invocation = commands.RunAsync(command.DocumentName, instanceId, command.Parameters, null, CancellationToken.None).GetAwaiter().GetResult();
            return new CommandReply(invocation.Status, invocation.ResponseCode, invocation.StandardOutput, invocation.StandardError);
        }
        catch (ControlPlaneError e)
        {
            throw new AwsError(HttpStatusCode.BadRequest, e.Code, e.Message);
        }
    }
}
