using System.Buffers;
using System.Text;
using System.Text.Json;
using Remediation.Contracts;
using Remediator.Planning;

namespace Remediator.Pipeline;

/// <summary>
/// One CloudWatch Embedded Metric Format record per event (<see cref="RemediatorMetrics"/>): namespace from the
/// settings, every metric under each of the dimension sets [], [Outcome], [Outcome, Cause].
/// CloudWatch Logs turns the line into metrics: no API call. Written with Utf8JsonWriter (no reflection).
/// An organization hub adds the dimension set [Account, Region] (<paramref name="accountDimensions"/>).
/// </summary>
public sealed class EmfReporter(TextWriter writer, string metricsNamespace, TimeProvider? clock = null, bool accountDimensions = false) : IReporter
{
    readonly TimeProvider clock = clock ?? TimeProvider.System;
    readonly Lock gate = new();

    public void Report(Outcome outcome)
    {
        var line = Record(outcome, clock.GetUtcNow());
        lock (gate) writer.WriteLine(line);
    }

    public string Record(Outcome outcome, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", now.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", metricsNamespace);
            json.WriteStartArray("Dimensions");
            foreach (var set in RemediatorMetrics.DimensionSets)
            {
                json.WriteStartArray();
                foreach (var dimension in set) json.WriteStringValue(dimension);
                json.WriteEndArray();
            }
            var scope = accountDimensions ? AccountScope.Of(outcome.Plan) : null;
            if (scope is not null)
            {
                json.WriteStartArray();
                foreach (var dimension in RemediatorMetrics.AccountDimensionSet) json.WriteStringValue(dimension);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var name in RemediatorMetrics.Names)
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", RemediatorMetrics.Unit);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            var acted = outcome.Kind == OutcomeKind.Acted;
            json.WriteString(RemediatorMetrics.OutcomeDimension, outcome.KindName);
            json.WriteString(RemediatorMetrics.CauseDimension, outcome.Cause);
            if (scope is not null)
            {
                json.WriteString(RemediatorMetrics.AccountDimension, scope.Account);
                json.WriteString(RemediatorMetrics.RegionDimension, scope.Region);
            }
            json.WriteNumber(RemediatorMetrics.Events, 1);
            json.WriteNumber(RemediatorMetrics.HostFixes, acted && outcome.Act?.HostFix == true ? 1 : 0);
            json.WriteNumber(RemediatorMetrics.Reschedules, acted && outcome.Act?.Reschedule == true ? 1 : 0);
            json.WriteNumber(RemediatorMetrics.Notifications, outcome.Plan.Decision == Decision.Notify ? 1 : 0);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
