using System.Net;
using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>A command the endpoint accepted (SendCommand).</summary>
public sealed record SentCommand(
    string CommandId,
    string DocumentName,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters,
    IReadOnlyList<string> InstanceIds,
    DateTimeOffset RequestedAt);

/// <summary>
/// How a managed instance answers a command, as Run Command reports it. Status is one of Success, Failed,
/// TimedOut, Cancelled, Undeliverable; ResponseCode is the script's exit code (-1 when there is none).
/// </summary>
public sealed record CommandReply(string Status, int ResponseCode, string StandardOutput, string StandardError = "");

/// <summary>A managed instance (an EC2 container instance with the SSM agent) and its tags.</summary>
/// <param name="Reply">Its answer to a command; null means it never answers (the invocation stays InProgress).</param>
public sealed record ManagedInstance(string InstanceId, IReadOnlyDictionary<string, string> Tags, Func<SentCommand, CommandReply?> Reply);

/// <summary>Run Command: SendCommand (by instance ids or tag targets), ListCommandInvocations, GetCommandInvocation.</summary>
public sealed partial class SsmService
{
    readonly Dictionary<string, HashSet<string>> commandDocuments = new(StringComparer.Ordinal);
    readonly Dictionary<string, ManagedInstance> instances = new(StringComparer.Ordinal);
    readonly List<SentCommand> commands = [];
    readonly Dictionary<(string CommandId, string InstanceId), CommandReply?> replies = [];

    /// <summary>Commands accepted, in order.</summary>
    public IReadOnlyList<SentCommand> Commands
    {
        get { lock (gate) return commands.ToArray(); }
    }

    public void RegisterCommandDocument(string name, params string[] parameterNames)
    {
        lock (gate) commandDocuments[name] = new HashSet<string>(parameterNames, StringComparer.Ordinal);
    }

    public void AddManagedInstance(ManagedInstance instance)
    {
        lock (gate) instances[instance.InstanceId] = instance;
    }

    void AddCommandOperations(Dictionary<string, Func<JsonObject, JsonObject>> operations)
    {
        operations["SendCommand"] = SendCommand;
        operations["ListCommandInvocations"] = ListCommandInvocations;
        operations["GetCommandInvocation"] = GetCommandInvocation;
    }

    JsonObject SendCommand(JsonObject request)
    {
        var document = request["DocumentName"]?.GetValue<string>() ?? throw AwsError.Validation("1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null");
        var parameters = ParametersOf(request["Parameters"]);
        lock (gate)
        {
            if (!commandDocuments.TryGetValue(document, out var declared))
                throw new AwsError(HttpStatusCode.BadRequest, "InvalidDocument", $"Document {document} does not exist");
            if (parameters.Keys.FirstOrDefault(k => !declared.Contains(k)) is { } unknown)
                throw new AwsError(HttpStatusCode.BadRequest, "InvalidParameters", $"Parameter \"{unknown}\" is not declared in document {document}");

            var targets = Resolve(request);
            var command = new SentCommand(Guid.NewGuid().ToString(), document, parameters, targets, clock.GetUtcNow());
            commands.Add(command);
            foreach (var id in targets) replies[(command.CommandId, id)] = instances[id].Reply(command);
            return new JsonObject { ["Command"] = CommandJson(command, request) };
        }
    }

    List<string> Resolve(JsonObject request)
    {
        if (request["InstanceIds"] is JsonArray ids && ids.Count > 0)
        {
            var list = ids.Select(i => i!.GetValue<string>()).ToList();
            if (list.FirstOrDefault(i => !instances.ContainsKey(i)) is { } missing)
                throw new AwsError(HttpStatusCode.BadRequest, "InvalidInstanceId", $"Instance {missing} is not a managed instance");
            return list;
        }
        if (request["Targets"] is not JsonArray targets || targets.Count == 0)
            throw AwsError.Validation("Either InstanceIds or Targets must be given");
        IEnumerable<ManagedInstance> matched = instances.Values;
        foreach (var target in targets.OfType<JsonObject>())
        {
            var key = target["Key"]?.GetValue<string>() ?? "";
            var values = (target["Values"] as JsonArray)?.Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
            matched = key switch
            {
                "InstanceIds" => matched.Where(i => values.Contains(i.InstanceId)),
                _ when key.StartsWith("tag:", StringComparison.Ordinal) =>
                    matched.Where(i => i.Tags.TryGetValue(key[4..], out var v) && values.Contains(v)),
                "tag-key" => matched.Where(i => i.Tags.Keys.Any(values.Contains)),
                _ => throw AwsError.Validation($"Target key {key} is not supported"),
            };
        }
        return matched.Select(i => i.InstanceId).Order(StringComparer.Ordinal).ToList();
    }

    JsonObject ListCommandInvocations(JsonObject request)
    {
        var commandId = request["CommandId"]?.GetValue<string>();
        var instanceId = request["InstanceId"]?.GetValue<string>();
        var details = request["Details"]?.GetValue<bool>() ?? false;
        var max = request["MaxResults"]?.GetValue<int>() ?? 50;
        var start = request["NextToken"]?.GetValue<string>() is { } token ? int.Parse(token, System.Globalization.CultureInfo.InvariantCulture) : 0;
        lock (gate)
        {
            var all = commands.Where(c => commandId is null || c.CommandId == commandId)
                .SelectMany(c => c.InstanceIds.Where(i => instanceId is null || i == instanceId).Select(i => (Command: c, InstanceId: i)))
                .ToList();
            var page = all.Skip(start).Take(max).Select(x => InvocationJson(x.Command, x.InstanceId, details));
            var result = new JsonObject { ["CommandInvocations"] = new JsonArray(page.ToArray<JsonNode?>()) };
            if (start + max < all.Count) result["NextToken"] = (start + max).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return result;
        }
    }

    JsonObject GetCommandInvocation(JsonObject request)
    {
        var commandId = request["CommandId"]?.GetValue<string>();
        var instanceId = request["InstanceId"]?.GetValue<string>() ?? "";
        lock (gate)
        {
            var command = commands.FirstOrDefault(c => c.CommandId == commandId)
                          ?? throw new AwsError(HttpStatusCode.BadRequest, "InvalidCommandId", $"Command {commandId} does not exist");
            if (!command.InstanceIds.Contains(instanceId))
                throw new AwsError(HttpStatusCode.BadRequest, "InvocationDoesNotExist", $"Command {commandId} was not sent to {instanceId}");
            var reply = replies[(command.CommandId, instanceId)];
            var (status, details) = StatusOf(reply);
            return new JsonObject
            {
                ["CommandId"] = command.CommandId,
                ["InstanceId"] = instanceId,
                ["DocumentName"] = command.DocumentName,
                ["PluginName"] = "runShellScript",
                ["ResponseCode"] = reply?.ResponseCode ?? -1,
                ["Status"] = status,
                ["StatusDetails"] = details,
                ["StandardOutputContent"] = reply?.StandardOutput ?? "",
                ["StandardErrorContent"] = reply?.StandardError ?? "",
                ["ExecutionStartDateTime"] = command.RequestedAt.ToString("O"),
            };
        }
    }

    JsonObject InvocationJson(SentCommand command, string instanceId, bool details)
    {
        var reply = replies[(command.CommandId, instanceId)];
        var (status, statusDetails) = StatusOf(reply);
        var invocation = new JsonObject
        {
            ["CommandId"] = command.CommandId,
            ["InstanceId"] = instanceId,
            ["DocumentName"] = command.DocumentName,
            ["RequestedDateTime"] = command.RequestedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["Status"] = status,
            ["StatusDetails"] = statusDetails,
        };
        if (details)
            invocation["CommandPlugins"] = new JsonArray(new JsonObject
            {
                ["Name"] = "runShellScript",
                ["Status"] = status,
                ["StatusDetails"] = statusDetails,
                ["ResponseCode"] = reply?.ResponseCode ?? -1,
                ["Output"] = reply?.StandardOutput ?? "",
            });
        return invocation;
    }

    static (string Status, string Details) StatusOf(CommandReply? reply) => reply?.Status switch
    {
        null => ("InProgress", "InProgress"),
        "Undeliverable" => ("Failed", "Undeliverable"),
        "TimedOut" => ("TimedOut", "DeliveryTimedOut"),
        var s => (s, s),
    };

    JsonObject CommandJson(SentCommand command, JsonObject request)
    {
        var parameters = new JsonObject();
        foreach (var (key, values) in command.Parameters) parameters[key] = new JsonArray(values.Select(v => (JsonNode)v).ToArray());
        return new JsonObject
        {
            ["CommandId"] = command.CommandId,
            ["DocumentName"] = command.DocumentName,
            ["Parameters"] = parameters,
            ["InstanceIds"] = new JsonArray((request["InstanceIds"] as JsonArray)?.Select(i => (JsonNode)i!.GetValue<string>()).ToArray() ?? []),
            ["Targets"] = request["Targets"]?.DeepClone() ?? new JsonArray(),
            ["RequestedDateTime"] = command.RequestedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["Status"] = command.InstanceIds.Count == 0 ? "Success" : "Pending",
            ["TargetCount"] = command.InstanceIds.Count,
            ["CompletedCount"] = 0,
            ["ErrorCount"] = 0,
            ["MaxConcurrency"] = request["MaxConcurrency"]?.GetValue<string>() ?? "50",
            ["MaxErrors"] = request["MaxErrors"]?.GetValue<string>() ?? "0",
        };
    }
}
