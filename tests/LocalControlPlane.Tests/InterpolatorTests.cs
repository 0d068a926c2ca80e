using System.Text.Json.Nodes;
using LocalControlPlane.Automation;

namespace LocalControlPlane.Tests;

public sealed class InterpolatorTests
{
    static readonly Dictionary<string, JsonNode> Variables = new()
    {
        ["Name"] = JsonValue.Create("fs-1.efs.us-east-1.amazonaws.com"),
        ["Subnets"] = JsonNode.Parse("""["subnet-1","subnet-2"]""")!,
        ["Overrides"] = JsonNode.Parse("""[{"name":"app"}]""")!,
        ["Fix.ResponseCode"] = JsonValue.Create(3),
    };

    [Fact]
    public void Interpolate_WholePlaceholder_KeepsTheVariablesType()
    {
        var result = Interpolator.Interpolate(JsonNode.Parse("""
            { "subnets": "{{Subnets}}", "overrides": "{{ Overrides }}", "code": "{{Fix.ResponseCode}}" }
            """), Variables);

        Assert.Equal("""{"subnets":["subnet-1","subnet-2"],"overrides":[{"name":"app"}],"code":3}""", result!.ToJsonString());
    }

    [Fact]
    public void Interpolate_PlaceholderInText_IsReplacedByItsText()
    {
        var result = Interpolator.Interpolate(JsonValue.Create("{{Name}} failed with exit code {{ Fix.ResponseCode }}"), Variables);

        Assert.Equal("fs-1.efs.us-east-1.amazonaws.com failed with exit code 3", result!.GetValue<string>());
    }

    [Fact]
    public void Interpolate_UndefinedVariable_Fails()
    {
        var error = Assert.Throws<ControlPlaneError>(() => Interpolator.Interpolate(JsonValue.Create("{{Other.Output}}"), Variables));

        Assert.Contains("Other.Output", error.Message);
    }

    [Fact]
    public void Lines_StringListOnItsOwnLine_BecomesOneLinePerElement()
    {
        var lines = Interpolator.Lines(["echo start", "{{Subnets}}", "echo {{Name}}"], Variables);

        Assert.Equal(["echo start", "subnet-1", "subnet-2", "echo fs-1.efs.us-east-1.amazonaws.com"], lines);
    }

    /// <summary>SSM Agent replaces a parameter inside a string by its value marshaled as JSON (amazon-ssm-agent, agent/parameters/parameters.go).</summary>
    [Fact]
    public void Lines_StringListInsideText_BecomesItsCompactJson()
    {
        var lines = Interpolator.Lines(["run --ids '{{Subnets}}'"], Variables);

        Assert.Equal(["run --ids '[\"subnet-1\",\"subnet-2\"]'"], lines);
    }

    [Fact]
    public void Lines_TextWithoutPlaceholders_IsUnchanged()
    {
        var lines = Interpolator.Lines(["a=\"${b}\" { c; }", "x=$((1 + 2))"], Variables);

        Assert.Equal(["a=\"${b}\" { c; }", "x=$((1 + 2))"], lines);
    }
}
