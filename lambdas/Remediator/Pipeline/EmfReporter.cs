using System.Buffers;
using System.Text;
using System.Text.Json;
using Remediator.Planning;

namespace Remediator.Pipeline;

/// <summary>
/// One CloudWatch Embedded Metric Format record per event (contracts.md): namespace from the settings,
/// dimension sets [], [Outcome], [Outcome, Cause], metrics Events, HostFixes, Reschedules, Notifications.
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
            json.WriteStartArray();
            json.WriteEndArray();
            json.WriteStartArray();
            json.WriteStringValue("Outcome");
            json.WriteEndArray();
            json.WriteStartArray();
            json.WriteStringValue("Outcome");
            json.WriteStringValue("Cause");
            json.WriteEndArray();
            var scope = accountDimensions ? AccountScope.Of(outcome.Plan) : null;
            if (scope is not null)
            {
                json.WriteStartArray();
                json.WriteStringValue("Account");
                json.WriteStringValue("Region");
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var name in (ReadOnlySpan<string>)["Events", "HostFixes", "Reschedules", "Notifications"])
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", "Count");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            var acted = outcome.Kind == OutcomeKind.Acted;
            json.WriteString("Outcome", outcome.KindName);
            json.WriteString("Cause", outcome.Cause);
            if (scope is not null)
            {
                json.WriteString("Account", scope.Account);
                json.WriteString("Region", scope.Region);
            }
            json.WriteNumber("Events", 1);
            json.WriteNumber("HostFixes", acted && outcome.Act?.HostFix == true ? 1 : 0);
            json.WriteNumber("Reschedules", acted && outcome.Act?.Reschedule == true ? 1 : 0);
            json.WriteNumber("Notifications", outcome.Plan.Decision == Decision.Notify ? 1 : 0);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
