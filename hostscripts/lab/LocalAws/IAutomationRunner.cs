using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>
/// Runs the Automation executions SSM starts, where the endpoint alone only records them. The endpoint keeps
/// what is SSM's own (ClientToken idempotency, the request log, injected faults); the runner owns the
/// documents and what an execution does.
/// </summary>
public interface IAutomationRunner
{
    /// <summary>
    /// Checks the document and parameters and, when they are valid, starts the execution in the background
    /// under <paramref name="executionId"/>. Throws <see cref="AwsError"/> as SSM answers a bad request
    /// (AutomationDefinitionNotFoundException, InvalidAutomationExecutionParametersException, ...); then nothing runs.
    /// </summary>
    void Start(string executionId, string documentName, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters);

    /// <summary>
    /// The execution as GetAutomationExecution reports it now: AutomationExecutionStatus, and as far as known
    /// ExecutionEndTime, Parameters (bound, defaults included), Outputs, StepExecutions and FailureMessage.
    /// </summary>
    JsonObject Describe(string executionId);
}
