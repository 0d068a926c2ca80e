using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Infra.Tests;

/// <summary>
/// SSM refuses a document whose content exceeds 64 KB (botocore ssm model, CreateDocumentRequest.Content: "must not
/// exceed 64KB. This quota also includes the content specified for input parameters at runtime"), and the Command
/// documents embed whole host scripts. Measured on the synthesized template, as JSON: compact, with the default
/// (conservative) escaping, every CloudFormation token counted as a 256-character value, and 4 KiB kept for the
/// parameters given at run time.
/// </summary>
[Collection(nameof(ExistingClusterApp))]
public sealed class DocumentSizeTests(ExistingClusterApp app, ITestOutputHelper output)
{
    const int SsmLimitBytes = 64 * 1024;

    const int RuntimeParameterReserveBytes = 4 * 1024;

    const int TokenBytes = 256;

    [Fact]
    public void Content_EverySsmDocument_FitsSsms65536ByteLimitWith4KiBForParameters()
    {
        var documents = new[] { app.CapacityJson, app.RemediationJson, app.SandboxJson! }
            .SelectMany(template => SynthesizedApp.Resources(template, "AWS::SSM::Document"))
            .ToList();

        Assert.True(documents.Count >= 4, $"expected at least the remediation stack's four documents, found {documents.Count}");
        foreach (var (id, properties) in documents)
        {
            var bytes = Size(properties["Content"]!);
            output.WriteLine($"{properties["Name"]}: {bytes} bytes");
            Assert.True(bytes + RuntimeParameterReserveBytes <= SsmLimitBytes,
                $"{id} ({properties["Name"]}): {bytes} bytes of content + {RuntimeParameterReserveBytes} for run-time parameters exceed SSM's {SsmLimitBytes}-byte limit");
        }
    }

    [Fact]
    public void Size_AToken_CountsAsItsLongestValue()
    {
        var content = JsonNode.Parse("""{"default":{"Fn::GetAtt":["Role","Arn"]}}""")!;

        Assert.Equal(Encoding.UTF8.GetByteCount("{\"default\":\"\"}") + TokenBytes, Size(content));
    }

    /// <summary>The content's JSON in UTF-8 bytes, each intrinsic function ({"Ref"}, {"Fn::..."}) replaced by a string of <see cref="TokenBytes"/> characters.</summary>
    static int Size(JsonNode content) => Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(Resolve(content), Minimal));

    // Only the escapes JSON requires (quote, backslash, control characters), as CloudFormation's serializer writes them.
    static readonly JsonSerializerOptions Minimal = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static JsonNode? Resolve(JsonNode? node) => node switch
    {
        JsonObject o when o.Count == 1 && o.First().Key is var key && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal)) => JsonValue.Create(new string('x', TokenBytes)),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Resolve).ToArray()),
        _ => node?.DeepClone(),
    };
}
