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

    /// <summary>The DescribeInstances response of the Systems Manager User Guide's "Using JSONPath in runbooks".</summary>
    static readonly JsonNode GuideResponse = JsonNode.Parse("""
        {"NextToken":"abcdefg","Reservations":[
          {"OwnerId":"123456789012","ReservationId":"r-abcd12345678910","Instances":[{"ImageId":"ami-12345678",
            "BlockDeviceMappings":[{"Ebs":{"DeleteOnTermination":true,"Status":"attached","VolumeId":"vol-000000000000"},"DeviceName":"/dev/xvda"}],
            "State":{"Code":16,"Name":"running"}}],"Groups":[]},
          {"OwnerId":"123456789012","ReservationId":"r-12345678910abcd","Instances":[{"ImageId":"ami-12345678",
            "BlockDeviceMappings":[{"Ebs":{"DeleteOnTermination":true,"Status":"attached","VolumeId":"vol-111111111111"},"DeviceName":"/dev/xvda"}],
            "State":{"Code":80,"Name":"stopped"}}],"Groups":[]}]}
        """)!;

    [Theory]
    [InlineData("$.Reservations[0].Instances[0].ImageId", "\"ami-12345678\"")]
    [InlineData("$.Reservations[0].Instances[0].BlockDeviceMappings[0].Ebs.DeleteOnTermination", "true")]
    [InlineData("$.Reservations[0].Instances[0].State.Code", "16")]
    [InlineData("$.Reservations..BlockDeviceMappings..VolumeId", """["vol-000000000000","vol-111111111111"]""")]
    [InlineData("$.Reservations..Instances..State", """[{"Code":16,"Name":"running"},{"Code":80,"Name":"stopped"}]""")]
    public void Select_TheGuidesExamples_GiveTheGuidesResults(string selector, string expected)
    {
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonPathSelector.Select(GuideResponse, selector)));
    }

    [Fact]
    public void Select_DeepScanMatchingNothing_IsAnEmptyList()
    {
        Assert.Empty(JsonPathSelector.Select(GuideResponse, "$.Reservations..efsVolumeConfiguration..fileSystemId")!.AsArray());
    }
}
