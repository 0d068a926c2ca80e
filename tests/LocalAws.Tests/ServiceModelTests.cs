using System.Text.Json.Nodes;
using LocalAws.Models;

namespace LocalAws.Tests;

/// <summary>The validator against cases botocore's models define (ssm 2014-11-06, dynamodb 2012-08-10, ecs, sns).</summary>
public sealed class ServiceModelTests
{
    static readonly ServiceModel Ssm = ServiceModel.Load("ssm");
    static readonly ServiceModel Dynamo = ServiceModel.Load("dynamodb");

    static JsonObject Start(string verifyHost) => new()
    {
        ["DocumentName"] = "EcsDnsRemediation-Remediate",
        ["Parameters"] = new JsonObject { ["VerifyHost"] = new JsonArray(verifyHost) },
        ["ClientToken"] = "0f4b2a36-8e63-8c2d-9a7e-5d1c3b2a1f00",
    };

    [Fact]
    public void Validate_ParameterValueOf512Characters_Accepted()
    {
        Assert.Empty(Ssm.Validate("StartAutomationExecution", Start(new string('a', 512))));
    }

    [Fact]
    public void Validate_ParameterValueOf513Characters_RejectedNamingTheMember()
    {
        var violation = Assert.Single(Ssm.Validate("StartAutomationExecution", Start(new string('a', 513))));

        Assert.Equal("parameters.VerifyHost.1", violation.Path);
        Assert.Equal("Member must have length less than or equal to 512", violation.Constraint);
    }

    [Fact]
    public void Validate_EmptyParameterValue_RejectedAsShorterThanOne()
    {
        var violation = Assert.Single(Ssm.Validate("StartAutomationExecution", Start("")));

        Assert.Equal("Member must have length greater than or equal to 1", violation.Constraint);
    }

    [Fact]
    public void Validate_LengthCountsCharactersNotUtf16Units()
    {
        // 512 characters outside the BMP are 1024 UTF-16 units.
        Assert.Empty(Ssm.Validate("StartAutomationExecution", Start(string.Concat(Enumerable.Repeat("\U0001F600", 512)))));
    }

    [Fact]
    public void Validate_MissingDocumentName_RejectedAsNull()
    {
        var request = Start("fs-1.efs.us-east-1.amazonaws.com");
        request.Remove("DocumentName");

        var message = ServiceModel.Message(Ssm.Validate("StartAutomationExecution", request));

        Assert.Equal("1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null", message);
    }

    [Fact]
    public void Validate_BadEnum_RejectedWithTheEnumSet()
    {
        var request = Start("x");
        request["Mode"] = "Automatic";

        var violation = Assert.Single(Ssm.Validate("StartAutomationExecution", request));

        Assert.Equal("mode", violation.Path);
        Assert.Equal("Member must satisfy enum value set: [Auto, Interactive]", violation.Constraint);
    }

    [Fact]
    public void Validate_ClientTokenNotAUuid_RejectedByPattern()
    {
        var request = Start("x");
        request["ClientToken"] = "not-a-token-not-a-token-not-a-token1";

        var violation = Assert.Single(Ssm.Validate("StartAutomationExecution", request));

        Assert.Equal("clientToken", violation.Path);
        Assert.StartsWith("Member must satisfy regular expression pattern", violation.Constraint);
    }

    [Fact]
    public void Validate_MoreThanFiftyValuesForOneParameter_Rejected()
    {
        var request = Start("x");
        request["Parameters"] = new JsonObject { ["Subnets"] = new JsonArray(Enumerable.Range(0, 51).Select(i => (JsonNode?)$"subnet-{i}").ToArray()) };

        var violation = Assert.Single(Ssm.Validate("StartAutomationExecution", request));

        Assert.Equal(("parameters.Subnets", "Member must have length less than or equal to 50"), (violation.Path, violation.Constraint));
    }

    [Fact]
    public void Validate_UnknownMember_Rejected()
    {
        var request = Start("x");
        request["Document"] = "typo";

        Assert.Equal("document", Assert.Single(Ssm.Validate("StartAutomationExecution", request)).Path);
    }

    [Fact]
    public void Validate_IntegerAsTextAndAboveMax_BothRejected()
    {
        var asText = new JsonObject { ["MaxResults"] = "5" };
        var tooMany = new JsonObject { ["MaxResults"] = 51 };

        Assert.Equal("Member must be an integer", Assert.Single(Ssm.Validate("ListCommandInvocations", asText)).Constraint);
        Assert.Equal("Member must have value less than or equal to 50", Assert.Single(Ssm.Validate("ListCommandInvocations", tooMany)).Constraint);
    }

    [Fact]
    public void Validate_BooleanAsText_Rejected()
    {
        var request = new JsonObject { ["Details"] = "true" };

        Assert.Equal("details", Assert.Single(Ssm.Validate("ListCommandInvocations", request)).Path);
    }

    [Fact]
    public void Validate_TableNameWithASpace_RejectedAsAWholeMatch()
    {
        var request = new JsonObject { ["ExclusiveStartTableName"] = "my table" };

        var violation = Assert.Single(Dynamo.Validate("ListTables", request));

        Assert.Equal(("exclusiveStartTableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"), (violation.Path, violation.Constraint));
    }

    [Fact]
    public void Validate_NestedAttributeValueOfWrongType_RejectedAtItsPath()
    {
        var request = new JsonObject { ["TableName"] = "claims", ["Item"] = new JsonObject { ["pk"] = new JsonObject { ["S"] = 42 } } };

        var violation = Assert.Single(Dynamo.Validate("PutItem", request));

        Assert.Equal(("item.pk.s", "Member must be a string"), (violation.Path, violation.Constraint));
    }

    [Fact]
    public void Validate_EcsRunTaskCountAsTextWithoutTaskDefinition_BothRejected()
    {
        var ecs = ServiceModel.Load("ecs");

        var violations = ecs.Validate("RunTask", new JsonObject { ["cluster"] = "prod", ["count"] = "1" });

        Assert.Equal(["taskDefinition", "count"], violations.Select(v => v.Path));
        Assert.Empty(ecs.Validate("RunTask", new JsonObject { ["taskDefinition"] = "app:7", ["count"] = 1 }));
    }

    [Fact]
    public void Validate_SnsPublishWithoutMessage_Rejected()
    {
        var sns = ServiceModel.Load("sns");

        var violation = Assert.Single(sns.Validate("Publish", new JsonObject { ["TopicArn"] = "arn:aws:sns:us-east-1:111122223333:t" }));

        Assert.Equal(("message", "Member must not be null"), (violation.Path, violation.Constraint));
    }

    [Fact]
    public void Validate_EveryPatternInTheModelsCompiles()
    {
        var failures = new List<string>();
        foreach (var service in new[] { "ssm", "dynamodb", "ecs", "sns" })
        {
            var file = BotocoreData.ModelFile(service);
            using var stream = File.OpenRead(file);
            using var gz = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
            var shapes = JsonNode.Parse(gz)!["shapes"]!.AsObject();
            foreach (var (name, shape) in shapes)
                if (shape!["pattern"]?.GetValue<string>() is { } pattern)
                    try
                    {
                        JavaPattern.Compile(pattern);
                    }
                    catch (ArgumentException e)
                    {
                        failures.Add($"{service}.{name}: {e.Message}");
                    }
        }
        Assert.Empty(failures);
    }
}
