using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Remediator.Events;
using Remediator.Pipeline;
using Remediator.Planning;
using Remediator.Tests.Support;

namespace Remediator.Tests.Events;

/// <summary>
/// Any byte sequence ends as one outcome. Parse and plan either answer or throw
/// <see cref="JsonException"/> (unreadable input); the function's handler and the CLI never let anything else out.
/// </summary>
public sealed class AnyInputProperties
{
    static readonly byte[] Standalone = Corpus.Bytes("failure/ec2-awsvpc-standalone.json");

    /// <summary>Random bytes; real events cut at a random byte; real events with random bytes spliced in.</summary>
    static readonly Gen<byte[]> Bytes = Gen.OneOf(
        Gen.Byte.Array[0, 300],
        Gen.Int[0, Standalone.Length].Select(cut => Standalone[..cut]),
        Gen.Select(Gen.Int[0, Standalone.Length], Gen.Byte.Array[1, 8], (at, noise) => (byte[])[.. Standalone[..at], .. noise, .. Standalone[at..]]));

    /// <summary>A JSON string literal of any UTF-16 text, every non-ASCII unit escaped: lone surrogates included.</summary>
    static readonly Gen<string> Literal = Gen.OneOf(Gen.String, Gen.Char.Array[0, 6].Select(c => new string(c)),
            Gen.OneOf<string>("\ud800", "\udfff", "\ud83d", "x\udc00y", "\ud83d\ude00", "aws.ecs", "STOPPED"))
        .Select(Escape);

    /// <summary>A real event with one field, at any depth, replaced by a random string (escaped as above).</summary>
    static readonly Gen<byte[]> SurrogateJson = Gen.Select(Gen.Int[0, 1000], Literal, Gen.Bool, (pick, literal, asName) =>
    {
        var root = JsonNode.Parse(Standalone)!.AsObject();
        var fields = Fields(root).ToList();
        var (parent, key) = fields[pick % fields.Count];
        parent.Remove(key);
        parent["MARKER_FIELD"] = "MARKER_VALUE";
        var replacement = asName ? literal + ":\"v\"" : "\"" + key + "\":" + literal;
        return Encoding.UTF8.GetBytes(root.ToJsonString().Replace("\"MARKER_FIELD\":\"MARKER_VALUE\"", replacement, StringComparison.Ordinal));
    });

    [Fact]
    public void ParseAndPlan_AnyBytes_AnswerOrJsonExceptionOnly()
    {
        Gen.OneOf(Bytes, SurrogateJson).Sample(bytes =>
        {
            try
            {
                Planner.Plan(EventParser.Parse(bytes), RemediatorSettings.Default);
            }
            catch (JsonException)
            {
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Handle_AnyBytes_OneOutcomeLineAndNoException()
    {
        var output = new StringWriter();
        var function = new Function(new RemediationPipeline(RemediatorSettings.Default, new AlwaysActs(),
            new JsonLineReporter(output)));
        var events = 0;

        Gen.OneOf(Bytes, SurrogateJson).Sample(bytes =>
        {
            using var response = function.Handle(new MemoryStream(bytes)).GetAwaiter().GetResult();
            events++;
        }, iter: 5_000, threads: 1);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(events, lines.Length);
        Assert.All(lines, line => Assert.NotNull(JsonNode.Parse(line)!["outcome"]));
    }

    [Theory]
    [InlineData("""{"source":"\ud800"}""")]
    [InlineData("""{"\udc00":1,"source":"aws.ecs"}""")]
    [InlineData("""{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED","overrides":{"containerOverrides":[{"name":"\ud83d"}]}}}""")]
    public async Task Handle_LoneSurrogateEscape_SkippedAsUnreadableWithOneLine(string json)
    {
        var output = new StringWriter();
        var function = new Function(new RemediationPipeline(RemediatorSettings.Default, new AlwaysActs(), new JsonLineReporter(output)));

        await function.Handle(new MemoryStream(Encoding.UTF8.GetBytes(json)));

        var line = JsonNode.Parse(output.ToString().Trim())!;
        Assert.Equal("skipped", line["outcome"]!.GetValue<string>());
        Assert.StartsWith("unreadable event: ", line["detail"]!.GetValue<string>());
    }

    [Fact]
    public void Plan_ReasonCutInsideAMultiByteCharacterAsRawBytes_StillRemediates()
    {
        var text = Encoding.UTF8.GetString(Corpus.Bytes("failure/ec2-awsvpc-standalone.json"));
        var at = text.IndexOf("Operation already in progress", StringComparison.Ordinal);
        // "é" is 0xC3 0xA9: keep only its first byte, right before the reason's closing quote.
        var raw = Encoding.UTF8.GetBytes(text[..at]).Concat(new byte[] { 0xC3 }).Concat(Encoding.UTF8.GetBytes(text[text.IndexOf('"', at)..])).ToArray();

        var plan = Planner.Plan(EventParser.Parse(raw), RemediatorSettings.Default);

        Assert.Equal(Decision.Remediate, plan.Decision);
    }

    [Fact]
    public async Task Parse_MoreThanTheEventLimit_ThrowsWithoutReadingTheRest()
    {
        var stream = new EndlessStream();

        var error = await Assert.ThrowsAsync<JsonException>(() => EventParser.ParseAsync(stream));

        Assert.Contains("bytes", error.Message);
        Assert.True(stream.Served < EventParser.MaxEventBytes * 2L);
    }

    [Theory]
    [InlineData("lone-surrogate", """{"source":"\ud800"}""")]
    [InlineData("invalid-utf8-outside-strings", null)]
    public async Task PlanCli_UnreadableInput_ExitsTwoWithOneLineAndNoStackTrace(string name, string? json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"remediator-{name}-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(path, json is null ? [0x7B, 0xFF, 0xFE, 0x7D] : Encoding.UTF8.GetBytes(json));
        try
        {
            var result = await CliProcess.RunAsync(null, "plan", path);

            Assert.Equal(2, result.ExitCode);
            Assert.Empty(result.Stdout);
            Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
            Assert.DoesNotContain(" at ", result.Stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PlanCli_ReasonWithRawInvalidUtf8_ExitsZeroWithAPlan()
    {
        var path = Path.Combine(Path.GetTempPath(), $"remediator-raw-{Guid.NewGuid():N}.json");
        var text = Encoding.UTF8.GetString(Standalone);
        var at = text.IndexOf("Operation already in progress", StringComparison.Ordinal);
        await File.WriteAllBytesAsync(path, [.. Encoding.UTF8.GetBytes(text[..at]), 0xE2, 0x82, .. Encoding.UTF8.GetBytes(text[at..])]);
        try
        {
            var result = await CliProcess.RunAsync(null, "plan", path);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("remediate", JsonNode.Parse(result.Stdout)!["decision"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    static string Escape(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
            builder.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c.ToString() : $"\\u{(int)c:x4}");
        return builder.Append('"').ToString();
    }

    static IEnumerable<(JsonObject Parent, string Key)> Fields(JsonNode? node)
    {
        if (node is JsonObject o)
            foreach (var (key, value) in o.ToList())
            {
                yield return (o, key);
                foreach (var inner in Fields(value)) yield return inner;
            }
        else if (node is JsonArray a)
            foreach (var item in a)
                foreach (var inner in Fields(item)) yield return inner;
    }

    sealed class AlwaysActs : IActuator
    {
        public Task<ActResult> ActAsync(Plan plan, CancellationToken cancellationToken) =>
            Task.FromResult(new ActResult(true, "acted", ["run"]));
    }

    /// <summary>An unbounded stream of spaces: what a reader that never stops would take in.</summary>
    sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)' ', offset, count);
            Served += count;
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
