using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Remediation.Contracts;

namespace Remediator.Cli.Fleet;

/// <summary>The fleet's SSM calls through the AWS SDK: SendCommand by tag targets, ListCommandInvocations with details.</summary>
public sealed class SsmFleetCommands(IAmazonSimpleSystemsManagement ssm) : IFleetCommands
{
    static readonly HashSet<string> TerminalStatuses =
        ["Success", "Failed", "TimedOut", "Cancelled", "Undeliverable", "Terminated", "DeliveryTimedOut", "ExecutionTimedOut"];

    public async Task<string> SendAsync(FleetRequest request, CancellationToken cancellationToken)
    {
        var response = await ssm.SendCommandAsync(new SendCommandRequest
        {
            DocumentName = request.Document,
            Targets = [new Target { Key = "tag:" + request.TargetTagKey, Values = [request.Cluster] }],
            Parameters = new Dictionary<string, List<string>>
            {
                [ResolvFixParameterNames.Action] = [request.Action],
                [ResolvFixParameterNames.Resolver] = [request.Resolver],
                [ResolvFixParameterNames.VerifyHost] = [""],
                [ResolvFixParameterNames.DryRun] = [YesNo.Text(request.DryRun)],
            },
            MaxConcurrency = request.MaxConcurrency,
            MaxErrors = request.MaxErrors,
            TimeoutSeconds = request.TimeoutSeconds,
            Comment = $"ecs-dns-remediation fleet {request.Action} {request.Cluster}",
        }, cancellationToken);
        return response.Command.CommandId;
    }

    public async Task<IReadOnlyList<Invocation>> ListAsync(string commandId, CancellationToken cancellationToken)
    {
        var invocations = new List<Invocation>();
        string? next = null;
        do
        {
            var page = await ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest
            {
                CommandId = commandId,
                Details = true,
                NextToken = next,
            }, cancellationToken);
            foreach (var invocation in page.CommandInvocations ?? [])
            {
                var plugin = invocation.CommandPlugins?.FirstOrDefault();
                var status = invocation.Status?.Value ?? "Pending";
                var terminal = TerminalStatuses.Contains(status);
                int? code = terminal && plugin?.ResponseCode is { } rc && rc >= 0 ? rc : null;
                invocations.Add(new Invocation(invocation.InstanceId, invocation.StatusDetails ?? status, terminal, code, plugin?.Output));
            }
            next = page.NextToken;
        } while (!string.IsNullOrEmpty(next));
        return invocations;
    }
}
