using System.Text.Json.Nodes;
using LocalControlPlane.Templates;

namespace LocalControlPlane.Tests;

public sealed class IntrinsicResolverTests
{
    static readonly StackTemplate Exporter = Stack("Network", """
        {
          "Resources": {
            "Subnet1": { "Type": "AWS::EC2::Subnet", "Properties": {} },
            "Group": { "Type": "AWS::EC2::SecurityGroup", "Properties": {} }
          },
          "Outputs": {
            "SubnetOut": { "Value": { "Ref": "Subnet1" }, "Export": { "Name": "Network:Subnet1" } },
            "GroupOut": { "Value": { "Fn::GetAtt": [ "Group", "GroupId" ] }, "Export": { "Name": { "Fn::Sub": "${AWS::StackName}:Group" } } }
          }
        }
        """);

    static readonly StackTemplate Main = Stack("Main", """
        {
          "Parameters": { "BootstrapVersion": { "Type": "String", "Default": "/cdk-bootstrap/hnb659fds/version" } },
          "Resources": {
            "Topic": { "Type": "AWS::SNS::Topic", "Properties": {} },
            "Role": { "Type": "AWS::IAM::Role", "Properties": {} },
            "NamedRole": { "Type": "AWS::IAM::Role", "Properties": { "RoleName": "runbook-role" } },
            "Table": { "Type": "AWS::DynamoDB::Table", "Properties": {} },
            "Doc": { "Type": "AWS::SSM::Document", "Properties": { "Name": { "Fn::Sub": "${AWS::StackName}-Remediate" } } }
          }
        }
        """);

    static readonly IntrinsicResolver Resolver = new(new CloudAssembly { Stacks = [Exporter, Main] }, new LocalAccount());

    [Fact]
    public void Resolve_RefOfTopic_IsTheTopicArnInTheLocalAccount()
    {
        var value = Resolve("""{ "Ref": "Topic" }""");

        Assert.Equal("arn:aws:sns:us-east-1:111122223333:Main-Topic", value);
    }

    [Fact]
    public void Resolve_GetAttRoleArn_UsesTheRoleNameWhenSetAndTheLogicalIdOtherwise()
    {
        Assert.Equal("arn:aws:iam::111122223333:role/Main-Role", Resolve("""{ "Fn::GetAtt": [ "Role", "Arn" ] }"""));
        Assert.Equal("arn:aws:iam::111122223333:role/runbook-role", Resolve("""{ "Fn::GetAtt": "NamedRole.Arn" }"""));
    }

    [Fact]
    public void Resolve_SubAndPseudoParameters_AreConcatenated()
    {
        var substituted = Resolve("""{ "Fn::Sub": [ "${Doc}/${AWS::Region}/${Extra}/${!Literal}", { "Extra": { "Ref": "AWS::AccountId" } } ] }""");

        Assert.Equal("Main-Remediate/us-east-1/111122223333/${Literal}", substituted);
    }

    [Fact]
    public void Resolve_ImportValue_TakesTheExportingStacksValue()
    {
        var subnet = Resolve("""{ "Fn::ImportValue": "Network:Subnet1" }""");
        var group = Resolve("""{ "Fn::ImportValue": "Network:Group" }""");

        Assert.Matches("^subnet-[0-9a-f]{17}$", subnet);
        Assert.Matches("^sg-[0-9a-f]{17}$", group);
    }

    [Fact]
    public void Resolve_NoValue_DropsTheProperty()
    {
        var node = Resolver.Resolve(Main, JsonNode.Parse("""{ "a": "kept", "b": { "Ref": "AWS::NoValue" } }"""));

        Assert.Equal("""{"a":"kept"}""", node!.ToJsonString());
    }

    [Fact]
    public void Resolve_Join_ConcatenatesResolvedItems()
    {
        var joined = Resolve("""{ "Fn::Join": [ ":", [ "arn", { "Ref": "AWS::Partition" }, "ecs" ] ] }""");

        Assert.Equal("arn:aws:ecs", joined);
    }

    [Theory]
    [InlineData("""{ "Fn::If": [ "Cond", "a", "b" ] }""", "Fn::If")]
    [InlineData("""{ "Fn::Select": [ 0, [ "a", "b" ] ] }""", "Fn::Select")]
    public void Resolve_IntrinsicNoSynthesizedDocumentUses_FailsNamingIt(string node, string function)
    {
        var error = Assert.Throws<CloudAssemblyException>(() => Resolve(node));

        Assert.Contains(function, error.Message);
    }

    [Fact]
    public void Resolve_UnknownIntrinsic_FailsNamingIt()
    {
        var error = Assert.Throws<CloudAssemblyException>(() => Resolve("""{ "Fn::Transmogrify": [ 1 ] }"""));

        Assert.Contains("Fn::Transmogrify", error.Message);
    }

    [Fact]
    public void Resolve_ImportOfAnUnknownExport_Fails()
    {
        Assert.Throws<CloudAssemblyException>(() => Resolve("""{ "Fn::ImportValue": "Nobody:Exports" }"""));
    }

    static string Resolve(string json) => Resolver.Resolve(Main, JsonNode.Parse(json))!.GetValue<string>();

    static StackTemplate Stack(string name, string json) => new()
    {
        StackName = name,
        TemplateFile = name + ".template.json",
        Template = (JsonObject)JsonNode.Parse(json)!,
    };
}
