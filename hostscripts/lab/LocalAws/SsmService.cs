using System.Net;
using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>An Automation execution the endpoint started.</summary>
public sealed record AutomationExecution(
    string Id,
    string DocumentName,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters,
    string? ClientToken,
    DateTimeOffset StartedAt)
{
    public string Parameter(string name) => Parameters.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : "";
}

/// <summary>
/// SSM (AmazonSSM, JSON 1.1): Automation documents are registered with their parameter names;
/// StartAutomationExecution validates against them and honours ClientToken as SSM does (the same token with the
/// same request returns the first execution; with a different request, IdempotentParameterMismatch).
/// Executions are only recorded (GetAutomationExecution says InProgress) unless an <see cref="IAutomationRunner"/>
/// is attached: then it checks and runs them and GetAutomationExecution reports what it says.
/// Run Command operations are in SsmCommands.cs.
/// </summary>
public sealed partial class SsmService : IAwsService
{
    readonly Lock gate = new();
    readonly TimeProvider clock;
    readonly Dictionary<string, HashSet<string>> automationDocuments = new(StringComparer.Ordinal);
    readonly List<AutomationExecution> executions = [];
    readonly Dictionary<string, (string Fingerprint, AutomationExecution Execution)> tokens = new(StringComparer.OrdinalIgnoreCase);
    IAutomationRunner? runner;

    public SsmService(TimeProvider clock)
    {
        this.clock = clock;
        var operations = new Dictionary<string, Func<JsonObject, JsonObject>>(StringComparer.Ordinal)
        {
            ["StartAutomationExecution"] = StartAutomationExecution,
            ["GetAutomationExecution"] = GetAutomationExecution,
        };
        AddCommandOperations(operations);
        Operations = operations;
    }

    public string Name => "ssm";

    public string TargetPrefix => "AmazonSSM";

    public string ContentType => "application/x-amz-json-1.1";

    public string ErrorPrefix => "";

    /// <summary>One handler per operation; adding an operation is adding an entry.</summary>
    public IReadOnlyDictionary<string, Func<JsonObject, JsonObject>> Operations { get; }

    public bool Handles(string operation) => Operations.ContainsKey(operation);

    public Task<JsonObject> InvokeAsync(string operation, JsonObject request, CancellationToken cancellationToken) =>
        Task.FromResult(Operations[operation](request));

    /// <summary>Executions started (a replayed client token does not start another).</summary>
    public IReadOnlyList<AutomationExecution> Executions
    {
        get { lock (gate) return executions.ToArray(); }
    }

    /// <summary>Makes an Automation document known, with the names of the parameters it declares.</summary>
    public void RegisterAutomationDocument(string name, params string[] parameterNames)
    {
        lock (gate) automationDocuments[name] = new HashSet<string>(parameterNames, StringComparer.Ordinal);
    }

    /// <summary>
    /// Hands every execution started from now on to <paramref name="automation"/>, which then decides which
    /// documents exist and what parameters they take (documents registered here are no longer consulted).
    /// </summary>
    public void UseAutomationRunner(IAutomationRunner automation)
    {
        lock (gate) runner = automation;
    }

    JsonObject StartAutomationExecution(JsonObject request)
    {
        var document = request["DocumentName"]?.GetValue<string>() ?? throw AwsError.Validation("1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null");
        var token = request["ClientToken"]?.GetValue<string>();
        if (token is not null && !Guid.TryParseExact(token, "D", out _))
            throw AwsError.Validation($"1 validation error detected: Value '{token}' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-fA-F0-9]{{8}}-[a-fA-F0-9]{{4}}-[a-fA-F0-9]{{4}}-[a-fA-F0-9]{{4}}-[a-fA-F0-9]{{12}}");
        var parameters = ParametersOf(request["Parameters"]);

        lock (gate)
        {
            if (runner is null) CheckRegistered(document, parameters);

            var fingerprint = document + "\n" + string.Join("\n", parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => p.Key + "=" + string.Join("\u0001", p.Value)));
            if (token is not null && tokens.TryGetValue(token, out var earlier))
            {
                if (earlier.Fingerprint != fingerprint)
                    throw new AwsError(HttpStatusCode.BadRequest, "IdempotentParameterMismatch",
                        "Error returned when an idempotent operation is retried and the parameters don't match the original call to the API with the same idempotency token.");
                return new JsonObject { ["AutomationExecutionId"] = earlier.Execution.Id };
            }

            var execution = new AutomationExecution(Guid.NewGuid().ToString(), document, parameters, token, clock.GetUtcNow());
            runner?.Start(execution.Id, document, parameters);
            executions.Add(execution);
            if (token is not null) tokens[token] = (fingerprint, execution);
            return new JsonObject { ["AutomationExecutionId"] = execution.Id };
        }
    }

    // Called under the gate.
    void CheckRegistered(string document, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters)
    {
        if (!automationDocuments.TryGetValue(document, out var declared))
            throw new AwsError(HttpStatusCode.BadRequest, "AutomationDefinitionNotFoundException", $"Automation definition {document} not found");
        var unknown = parameters.Keys.Where(k => !declared.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new AwsError(HttpStatusCode.BadRequest, "InvalidAutomationExecutionParametersException",
                $"Parameter \"{unknown[0]}\" is not defined in the Automation document {document}");
    }

    JsonObject GetAutomationExecution(JsonObject request)
    {
        var id = request["AutomationExecutionId"]?.GetValue<string>();
        AutomationExecution? execution;
        IAutomationRunner? automation;
        lock (gate)
        {
            execution = executions.FirstOrDefault(e => e.Id == id);
            automation = runner;
        }
        if (execution is null)
            throw new AwsError(HttpStatusCode.BadRequest, "AutomationExecutionNotFoundException", $"Automation execution {id} not found");
        var parameters = new JsonObject();
        foreach (var (key, values) in execution.Parameters) parameters[key] = new JsonArray(values.Select(v => (JsonNode)v).ToArray());
        var described = new JsonObject
        {
            ["AutomationExecutionId"] = execution.Id,
            ["DocumentName"] = execution.DocumentName,
            ["AutomationExecutionStatus"] = "InProgress",
            ["ExecutionStartTime"] = execution.StartedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["Parameters"] = parameters,
        };
        if (automation is not null)
            foreach (var (key, value) in automation.Describe(execution.Id)) described[key] = value?.DeepClone();
        return new JsonObject { ["AutomationExecution"] = described };
    }

    static Dictionary<string, IReadOnlyList<string>> ParametersOf(JsonNode? node)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (node is not JsonObject map) return result;
        foreach (var (key, value) in map)
        {
            if (value is not JsonArray list || list.Any(v => v is not JsonValue))
                throw AwsError.Validation($"Parameter {key} must be a list of strings");
            result[key] = list.Select(v => v!.GetValue<string>()).ToArray();
        }
        return result;
    }
}
