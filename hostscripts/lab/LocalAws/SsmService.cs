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
    /// <summary>The account and Region it runs in.</summary>
    public Caller Caller { get; init; } = SsmService.Anonymous;

    /// <summary>When it got a slot to run (later than <see cref="StartedAt"/> when it waited in Automation's queue).</summary>
    public DateTimeOffset Begins { get; init; }

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
    readonly Dictionary<Caller, AutomationScope> scopes = [];
    AutomationQuotas quotas = new();
    IAutomationRunner? runner;

    public SsmService(TimeProvider clock)
    {
        this.clock = clock;
        var operations = new Dictionary<string, Func<JsonObject, JsonObject>>(StringComparer.Ordinal)
        {
            ["StartAutomationExecution"] = request => StartAutomationExecution(request, Anonymous),
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

    public Task<JsonObject> InvokeAsync(string operation, JsonObject request, Caller caller, CancellationToken cancellationToken) =>
        Task.FromResult(operation == "StartAutomationExecution" ? StartAutomationExecution(request, caller) : Operations[operation](request));

    /// <summary>The caller of a request whose signature names no account or region: moto's default account, us-east-1.</summary>
    public static readonly Caller Anonymous = new(MotoServer.DefaultAccount, "us-east-1");

    /// <summary>
    /// Automation's limits, applied per account and Region from now on (AWS's defaults until set; counts start
    /// afresh). See <see cref="AutomationQuotas"/>.
    /// </summary>
    public AutomationQuotas Quotas
    {
        get { lock (gate) return quotas; }
        set
        {
            lock (gate)
            {
                quotas = value;
                scopes.Clear();
            }
        }
    }

    /// <summary>Executions of <paramref name="caller"/>'s account and Region running at the endpoint clock's now (the queued ones not counted).</summary>
    public int Running(Caller caller)
    {
        lock (gate) return scopes.TryGetValue(caller, out var scope) ? scope.Running(clock.GetUtcNow()) : 0;
    }

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

    JsonObject StartAutomationExecution(JsonObject request, Caller caller)
    {
        var document = request["DocumentName"]?.GetValue<string>() ?? throw AwsError.Validation("1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null");
        var token = request["ClientToken"]?.GetValue<string>();
        if (token is not null && !Guid.TryParseExact(token, "D", out _))
            throw AwsError.Validation($"1 validation error detected: Value '{token}' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-fA-F0-9]{{8}}-[a-fA-F0-9]{{4}}-[a-fA-F0-9]{{4}}-[a-fA-F0-9]{{4}}-[a-fA-F0-9]{{12}}");
        var parameters = ParametersOf(request["Parameters"]);

        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (!scopes.TryGetValue(caller, out var scope)) scopes[caller] = scope = new AutomationScope(quotas);
            // The rate applies to every call; the concurrency to new executions only: a replayed client token
            // returns its execution (an assumption: SSM documents neither order).
            scope.Call(now);
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

            var begins = scope.Admit(now);
            var execution = new AutomationExecution(Guid.NewGuid().ToString(), document, parameters, token, now)
            {
                Caller = caller,
                Begins = begins,
            };
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
