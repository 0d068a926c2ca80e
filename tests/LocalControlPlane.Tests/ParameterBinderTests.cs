using System.Text.Json.Nodes;
using LocalControlPlane.Automation;
using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

public sealed class ParameterBinderTests
{
    static readonly Documents.SsmDocument Document = Build.Document("Doc", "Automation", """
        {
          "schemaVersion": "0.3",
          "parameters": {
            "Required": { "type": "String", "allowedPattern": "^arn:aws:ecs:.+$" },
            "Choice": { "type": "String", "allowedValues": [ "yes", "no" ], "default": "no" },
            "Subnets": { "type": "StringList", "allowedPattern": "^subnet-[0-9a-f]{8,17}$", "default": [ "subnet-0123456789abcdef0" ] },
            "Overrides": { "type": "MapList", "default": [] },
            "Count": { "type": "Integer", "default": 1 }
          },
          "mainSteps": []
        }
        """);

    [Fact]
    public void Bind_OnlyTheRequiredValue_TakesEveryDefault()
    {
        var bound = ParameterBinder.Bind(Document, Build.Parameters(("Required", "arn:aws:ecs:x")), "Invalid");

        Assert.Equal("arn:aws:ecs:x", bound["Required"].GetValue<string>());
        Assert.Equal("no", bound["Choice"].GetValue<string>());
        Assert.Equal("""["subnet-0123456789abcdef0"]""", bound["Subnets"].ToJsonString());
        Assert.Equal("[]", bound["Overrides"].ToJsonString());
        Assert.Equal(1, bound["Count"].GetValue<int>());
    }

    [Fact]
    public void Bind_ListsAndMaps_AreTyped()
    {
        var given = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Required"] = ["arn:aws:ecs:x"],
            ["Subnets"] = ["subnet-0123456789abcdef0", "subnet-0fedcba987654321f"],
            ["Overrides"] = ["""{"name":"app","environment":[{"name":"A","value":"1"}]}"""],
            ["Count"] = ["3"],
        };

        var bound = ParameterBinder.Bind(Document, given, "Invalid");

        Assert.Equal(2, ((JsonArray)bound["Subnets"]).Count);
        Assert.Equal("app", bound["Overrides"][0]!["name"]!.GetValue<string>());
        Assert.Equal(3, bound["Count"].GetValue<int>());
    }

    [Theory]
    [InlineData("Unknown", "x", "is not defined")]
    [InlineData("Choice", "maybe", "not one of the allowed values")]
    [InlineData("Subnets", "subnet-XYZ", "does not match the allowed pattern")]
    [InlineData("Overrides", "not json", "is not a JSON object")]
    [InlineData("Count", "many", "is not an integer")]
    public void Bind_BadValue_IsRejectedWithTheCallersErrorCode(string name, string value, string message)
    {
        var given = new Dictionary<string, IReadOnlyList<string>> { ["Required"] = ["arn:aws:ecs:x"], [name] = [value] };

        var error = Assert.Throws<ControlPlaneError>(() => ParameterBinder.Bind(Document, given, "InvalidParameters"));

        Assert.Equal("InvalidParameters", error.Code);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Bind_MissingRequired_IsRejected()
    {
        var error = Assert.Throws<ControlPlaneError>(() => ParameterBinder.Bind(Document, Build.Parameters(), "Invalid"));

        Assert.Contains("\"Required\" is required", error.Message);
    }

    [Fact]
    public void Bind_TwoValuesForAString_IsRejected()
    {
        var given = new Dictionary<string, IReadOnlyList<string>> { ["Required"] = ["arn:aws:ecs:a", "arn:aws:ecs:b"] };

        Assert.Throws<ControlPlaneError>(() => ParameterBinder.Bind(Document, given, "Invalid"));
    }
}
