using System.Text.Json.Nodes;
using LocalControlPlane.Automation;

namespace LocalControlPlane.Tests;

public sealed class JsonPathSelectorTests
{
    static readonly JsonNode Response = JsonNode.Parse("""{"containerInstances":[{"ec2InstanceId":"i-1","attributes":{"a b":"x"}}]}""")!;

    [Theory]
    [InlineData("$.containerInstances[0].ec2InstanceId", "i-1")]
    [InlineData("$['containerInstances'][0]['attributes']['a b']", "x")]
    public void Select_SupportedPath_FindsTheValue(string selector, string expected)
    {
        Assert.Equal(expected, JsonPathSelector.Select(Response, selector)!.GetValue<string>());
    }

    [Theory]
    [InlineData("$.containerInstances[1].ec2InstanceId")]
    [InlineData("$.tasks[0].taskArn")]
    public void Select_MissingPath_IsNull(string selector)
    {
        Assert.Null(JsonPathSelector.Select(Response, selector));
    }

    [Theory]
    [InlineData("$.containerInstances[*].ec2InstanceId")]
    [InlineData("containerInstances")]
    public void Select_UnsupportedSyntax_Throws(string selector)
    {
        Assert.Throws<ArgumentException>(() => JsonPathSelector.Select(Response, selector));
    }
}
