using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Remediator.Tests.Reporting;

/// <summary>The function's log format, as the managed runtime reads it from AWS_LAMBDA_LOG_FORMAT.</summary>
public enum LambdaLogFormat
{
    Text,
    Json,
}

/// <summary>
/// What Amazon.Lambda.RuntimeSupport puts on Console.Out in the managed dotnet runtime, formatting each
/// WriteLine as its LogLevelLoggerWriter.WrapperTextWriter does (aws/aws-lambda-dotnet,
/// Libraries/src/Amazon.Lambda.RuntimeSupport/Helpers/ConsoleLoggerWriter.cs, with
/// Helpers/Logging/DefaultLogMessageFormatter.cs and JsonLogMessageFormatter.cs): Console.Out's default level
/// is Information; Text prefixes "timestamp TAB request id TAB info TAB"; JSON writes a new object with
/// timestamp, level, requestId and the line as the string "message". Write calls pass through unformatted.
/// Read from the source at commit 831492165a694825e0e762d68ec74f3e36b628c0 (2026-07-22).
/// </summary>
public sealed class RuntimeSupportConsole(TextWriter inner, LambdaLogFormat format, string requestId) : TextWriter
{
    const string DateFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public override Encoding Encoding => inner.Encoding;

    /// <summary>The runtime's FormattedWriteLine for a message without arguments (templates are not parsed then).</summary>
    void FormattedWriteLine(string? message)
    {
        var timestamp = DateTime.UtcNow.ToString(DateFormat, CultureInfo.InvariantCulture);
        if (format == LambdaLogFormat.Text)
        {
            inner.WriteLine($"{timestamp}\t{requestId}\tinfo\t{message}");
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", timestamp);
            json.WriteString("level", "Information");
            json.WriteString("requestId", requestId);
            json.WriteString("message", message ?? "");
            json.WriteEndObject();
        }
        inner.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    public override void WriteLine(string? value) => FormattedWriteLine(value);

    public override void WriteLine() => FormattedWriteLine("");

    public override void WriteLine(object? value) => FormattedWriteLine(value?.ToString() ?? "");

    public override void WriteLine(char[]? buffer) => FormattedWriteLine(buffer is null ? "" : new string(buffer));

    public override void WriteLine(char[] buffer, int index, int count) => FormattedWriteLine(new string(buffer, index, count));

    public override void WriteLine(ReadOnlySpan<char> buffer) => FormattedWriteLine(new string(buffer));

    public override void WriteLine(StringBuilder? value) => FormattedWriteLine(value?.ToString());

    public override Task WriteLineAsync(string? value)
    {
        FormattedWriteLine(value);
        return Task.CompletedTask;
    }

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(value);

    public override void Flush() => inner.Flush();
}
