using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Infra.Tests;

/// <summary>
/// SSM refuses a document whose content exceeds 64 KB (botocore ssm model, CreateDocumentRequest.Content: "must not
/// exceed 64KB. This quota also includes the content specified for input parameters at runtime"), and the Command
/// documents embed whole host scripts. Measured as CloudFormation sends the content: pretty-printed by the SSM
/// resource handler (<see cref="JacksonIndentOutput"/>), every CloudFormation token counted as a 256-character
/// value, and 8 KiB kept for the parameters given at run time and for growth.
/// </summary>
[Collection(nameof(ExistingClusterApp))]
public sealed class DocumentSizeTests(ExistingClusterApp app, ITestOutputHelper output)
{
    public const int SsmLimitBytes = 64 * 1024;

    public const int ReserveBytes = 8 * 1024;

    const int TokenBytes = 256;

    [Fact]
    public void Content_EverySsmDocumentAsSent_Keeps8KiBUnderSsmsLimit()
    {
        var documents = new[] { app.CapacityJson, app.RemediationJson, app.SandboxJson! }
            .SelectMany(template => SynthesizedApp.Resources(template, "AWS::SSM::Document"))
            .ToList();

        Assert.True(documents.Count >= 4, $"expected at least the remediation stack's four documents, found {documents.Count}");
        AssertFits(documents, output);
    }

    /// <summary>Every document's content as sent, with <see cref="ReserveBytes"/> to spare; prints each size.</summary>
    internal static void AssertFits(IEnumerable<(string Id, JsonObject Properties)> documents, ITestOutputHelper output)
    {
        var sizes = documents.Select(d => (d.Id, Name: d.Properties["Name"]?.ToJsonString(), Bytes: SentBytes(d.Properties["Content"]!))).ToList();
        foreach (var (_, name, bytes) in sizes)
            output.WriteLine($"{name}: {bytes} bytes as sent, {SsmLimitBytes - bytes} under SSM's limit");
        Assert.All(sizes, s => Assert.True(s.Bytes + ReserveBytes <= SsmLimitBytes,
            $"{s.Id} ({s.Name}): {s.Bytes} bytes as CloudFormation sends it + {ReserveBytes} reserved exceed SSM's {SsmLimitBytes}-byte limit"));
    }

    [Fact]
    public void SentBytes_AToken_CountsAsItsLongestValue()
    {
        var content = JsonNode.Parse("""{"default":{"Fn::GetAtt":["Role","Arn"]}}""")!;

        Assert.Equal(Encoding.UTF8.GetByteCount("{\n  \"default\" : \"\"\n}") + TokenBytes, SentBytes(content));
    }

    /// <summary>The expected text of the SSM handler's own test (DocumentModelTranslatorTest, SAMPLE_DOCUMENT_JSON_CONTENT_STRING).</summary>
    [Fact]
    public void IndentOutput_TheHandlersOwnSample_IsWrittenAsTheHandlerExpects()
    {
        var content = JsonNode.Parse("""{"schemaVersion":"1.2","description":"Join instances to an AWS Directory Service domain."}""");

        Assert.Equal("{\n  \"schemaVersion\" : \"1.2\",\n  \"description\" : \"Join instances to an AWS Directory Service domain.\"\n}",
            JacksonIndentOutput.Write(content));
    }

    /// <summary>Jackson's arrays stay on one line (FixedSpaceIndenter); only objects indent, one level per object.</summary>
    [Fact]
    public void IndentOutput_NestedArraysAndObjects_IndentOnlyPerObjectLevel()
    {
        var content = JsonNode.Parse("""{"a":["x\ty",{"b":[]}],"c":{}}""");

        Assert.Equal("{\n  \"a\" : [ \"x\\ty\", {\n    \"b\" : [ ]\n  } ],\n  \"c\" : { }\n}", JacksonIndentOutput.Write(content));
    }

    /// <summary>The content's bytes as sent (UTF-8), each intrinsic function ({"Ref"}, {"Fn::..."}) replaced by a string of <see cref="TokenBytes"/> characters.</summary>
    public static int SentBytes(JsonNode content) => Encoding.UTF8.GetByteCount(JacksonIndentOutput.Write(Resolve(content)));

    static JsonNode? Resolve(JsonNode? node) => node switch
    {
        JsonObject o when o.Count == 1 && o.First().Key is var key && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal)) => JsonValue.Create(new string('x', TokenBytes)),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Resolve).ToArray()),
        _ => node?.DeepClone(),
    };
}
