namespace Remediator.Cli.Fleet;

/// <summary>Sends the document, then polls until every instance answered or the wait is over.</summary>
public sealed class FleetRun(IFleetCommands commands, TimeProvider clock)
{
    public async Task<FleetReport> RunAsync(FleetRequest request, TimeSpan wait, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        var commandId = await commands.SendAsync(request, cancellationToken);
        var deadline = clock.GetUtcNow() + wait;
        IReadOnlyList<Invocation> invocations;
        while (true)
        {
            invocations = await commands.ListAsync(commandId, cancellationToken);
            // SSM lists targeted instances as it resolves the tag; an empty list early on is not "no instances".
            var settled = invocations.Count > 0 && invocations.All(i => i.Terminal);
            if (settled || clock.GetUtcNow() >= deadline) break;
            await Task.Delay(pollInterval, clock, cancellationToken);
        }

        var rows = invocations
            .OrderBy(i => i.InstanceId, StringComparer.Ordinal)
            .Select(i => HostCheck.Read(i.InstanceId, request.Action, i.Terminal ? i.ResponseCode : null, i.Output, i.Status))
            .ToList();
        return new FleetReport(request.Cluster, request.Action, commandId, rows);
    }
}
