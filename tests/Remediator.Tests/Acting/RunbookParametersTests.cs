using static Remediation.Testing.Plans;
using Remediation.Contracts;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Remediator.Acting;
using Remediator.Events;
using Remediator.Planning;
using Remediator.Tests.Support;

namespace Remediator.Tests.Acting;

/// <summary>The runbook parameters against the limits of AWS's own SSM model (botocore's service-2.json).</summary>
public sealed class RunbookParametersTests
{
    /// <summary>min/max of AutomationParameterValue and AutomationParameterValueList, read from botocore's ssm model.</summary>
    static readonly Lazy<(int MinLength, int MaxLength, int MaxValues)> Limits = new(() =>
    {
        using var python = Process.Start(new ProcessStartInfo("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"])
        { RedirectStandardOutput = true })!;
        var botocore = python.StandardOutput.ReadToEnd().Trim();
        python.WaitForExit();
        var model = Directory.GetFiles(Path.Combine(botocore, "data", "ssm"), "service-2.json.gz", SearchOption.AllDirectories).Order().Last();
        using var gzip = new GZipStream(File.OpenRead(model), CompressionMode.Decompress);
        var shapes = JsonNode.Parse(gzip)!["shapes"]!;
        var value = shapes["AutomationParameterValue"]!;
        return ((int)value["min"]!, (int)value["max"]!, (int)shapes["AutomationParameterValueList"]!["max"]!);
    });


    public static TheoryData<string> ActingSamples() =>
    [
        .. File.ReadLines(Corpus.Path("expected.tsv"))
            .Select(line => line.Split('\t'))
            .Where(f => f.Length == 3 && f[1] == "remediate")
            .Select(f => f[0]),
    ];

    static void AssertWithinModel(Dictionary<string, List<string>> parameters)
    {
        var (min, max, maxValues) = Limits.Value;
        foreach (var (name, values) in parameters)
        {
            Assert.True(values.Count <= maxValues, $"{name}: {values.Count} values");
            foreach (var value in values)
                Assert.True(value.Length >= min && value.Length <= max, $"{name}: a value of {value.Length} characters");
        }
    }

    [Theory]
    [MemberData(nameof(ActingSamples))]
    public void From_EveryActingSample_ValuesWithinTheSsmModelLimits(string sample)
    {
        var parameters = RunbookParameters.From(PlanOf(sample, WithReschedule()), fixHost: true, automationRoleArn: null);

        AssertWithinModel(parameters);
    }

    [Fact]
    public void From_HostCutOff_LeavesVerifyHostOutInsteadOfEmpty()
    {
        var parameters = RunbookParameters.From(PlanOf("failure/ec2-awsvpc-truncated-in-host.json", WithReschedule()), fixHost: true, automationRoleArn: null);

        Assert.DoesNotContain("VerifyHost", parameters.Keys);
        AssertWithinModel(parameters);
    }

    [Fact]
    public void From_EfsProxyForm_PassesTheTaskDefinitionForTheNameLookup()
    {
        var parameters = RunbookParameters.From(PlanOf("failure/ec2-awsvpc-efs-proxy-reset.json", WithReschedule()), fixHost: true, automationRoleArn: null);

        Assert.Equal(["arn:aws:ecs:us-east-1:111122223333:task-definition/app:7"], parameters["TaskDefinitionArn"]);
        Assert.DoesNotContain("VerifyHost", parameters.Keys);
    }

    [Fact]
    public void From_LargeContainerOverrides_NoValueOverTheModelMaximum()
    {
        var big = new string('x', 600);
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e =>
            e["detail"]!["overrides"] = JsonNode.Parse($$"""{"containerOverrides":[{"name":"app","command":["{{big}}"]},{"name":"sidecar"}]}"""));

        var parameters = RunbookParameters.From(PlanOf(json, WithReschedule()), fixHost: true, automationRoleArn: null);

        Assert.Equal(["no"], parameters["Reschedule"]);
        Assert.DoesNotContain("ContainerOverrides", parameters.Keys);
        AssertWithinModel(parameters);
    }

    /// <summary>
    /// Text that JSON may escape (é, &amp;, &lt;, '...) reaches the runbook as the same text, and an override that fits
    /// in a parameter value as text is carried, whatever its escaped length.
    /// </summary>
    [Fact]
    public void From_OverrideOfTextJsonMayEscape_CarriedIntactWithinTheModel()
    {
        var app = new JsonObject
        {
            ["name"] = "app",
            ["command"] = new JsonArray("sh", "-c", "test -n \"$X\" && echo '<ok>' + done"),
            ["environment"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = new string('é', 300) + "😀" }),
        };
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e =>
            e["detail"]!["overrides"] = new JsonObject { ["containerOverrides"] = new JsonArray(app.DeepClone()) });

        var parameters = RunbookParameters.From(PlanOf(json, WithReschedule()), fixHost: true, automationRoleArn: null);

        Assert.Equal(["yes"], parameters["Reschedule"]);
        Assert.True(JsonNode.DeepEquals(app, JsonNode.Parse(Assert.Single(parameters["ContainerOverrides"]))));
        AssertWithinModel(parameters);
    }

    [Fact]
    public void From_NoContainerOverrides_LeavesTheParameterOutInsteadOfAnEmptyList()
    {
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e => e["detail"]!.AsObject().Remove("overrides"));

        var parameters = RunbookParameters.From(PlanOf(json, WithReschedule()), fixHost: true, automationRoleArn: null);

        Assert.Equal(["yes"], parameters["Reschedule"]);
        Assert.DoesNotContain("ContainerOverrides", parameters.Keys);
    }
}
