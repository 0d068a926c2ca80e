using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalControlPlane.Templates;

/// <summary>
/// Resolves the CloudFormation intrinsics that the synthesized SSM documents, Lambda functions and exports use
/// (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::ImportValue) to the values a deployment into <see cref="LocalAccount"/> would have. Physical names come from the resource's name property when the
/// template sets one, else "StackName-LogicalId" (CloudFormation adds a random suffix; locally the name must be
/// stable). EC2 ids are derived from a hash of the stack and logical id, in their real shapes (subnet-…, sg-…).
/// An intrinsic it does not know is an error, never passed through.
/// </summary>
public sealed class IntrinsicResolver(CloudAssembly assembly, LocalAccount account)
{
    static readonly JsonValue NoValue = JsonValue.Create("\u0000AWS::NoValue")!;

    static readonly Dictionary<string, string> NameProperties = new(StringComparer.Ordinal)
    {
        ["AWS::SNS::Topic"] = "TopicName",
        ["AWS::IAM::Role"] = "RoleName",
        ["AWS::DynamoDB::Table"] = "TableName",
        ["AWS::SSM::Document"] = "Name",
        ["AWS::ECS::Cluster"] = "ClusterName",
        ["AWS::ECS::CapacityProvider"] = "Name",
        ["AWS::ECS::Service"] = "ServiceName",
        ["AWS::Lambda::Function"] = "FunctionName",
        ["AWS::SQS::Queue"] = "QueueName",
        ["AWS::Logs::LogGroup"] = "LogGroupName",
        ["AWS::Events::Rule"] = "Name",
        ["AWS::AutoScaling::AutoScalingGroup"] = "AutoScalingGroupName",
    };

    static readonly Dictionary<string, string> Ec2IdPrefixes = new(StringComparer.Ordinal)
    {
        ["AWS::EC2::VPC"] = "vpc-",
        ["AWS::EC2::Subnet"] = "subnet-",
        ["AWS::EC2::SecurityGroup"] = "sg-",
        ["AWS::EC2::RouteTable"] = "rtb-",
        ["AWS::EC2::InternetGateway"] = "igw-",
        ["AWS::EC2::NatGateway"] = "nat-",
        ["AWS::EC2::LaunchTemplate"] = "lt-",
    };

    public LocalAccount Account => account;

    /// <summary>A resolved deep copy of <paramref name="node"/>, read in <paramref name="stack"/>.</summary>
    public JsonNode? Resolve(StackTemplate stack, JsonNode? node)
    {
        var resolved = Walk(stack, node, depth: 0);
        return ReferenceEquals(resolved, NoValue) ? null : resolved;
    }

    /// <summary>The value of { "Ref": <paramref name="logicalId"/> } in <paramref name="stack"/>.</summary>
    public string Ref(StackTemplate stack, string logicalId) => Reference(stack, logicalId, 0);

    JsonNode? Walk(StackTemplate stack, JsonNode? node, int depth)
    {
        if (depth > 64) throw new CloudAssemblyException($"{stack.TemplateFile}: intrinsics nest deeper than 64 (a reference cycle?)");
        switch (node)
        {
            case JsonObject o when o.Count == 1 && IsIntrinsic(o.First().Key):
                return Intrinsic(stack, o.First().Key, o.First().Value, depth + 1);
            case JsonObject o:
            {
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                {
                    var v = Walk(stack, value, depth + 1);
                    if (!ReferenceEquals(v, NoValue)) copy[key] = v;
                }
                return copy;
            }
            case JsonArray a:
            {
                var copy = new JsonArray();
                foreach (var item in a)
                {
                    var v = Walk(stack, item, depth + 1);
                    if (!ReferenceEquals(v, NoValue)) copy.Add(v);
                }
                return copy;
            }
            default:
                return node?.DeepClone();
        }
    }

    static bool IsIntrinsic(string key) => key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal) || key == "Condition";

    JsonNode? Intrinsic(StackTemplate stack, string function, JsonNode? argument, int depth)
    {
        switch (function)
        {
            case "Ref":
                var name = Text(stack, argument, depth, function);
                return name == "AWS::NoValue" ? NoValue : JsonValue.Create(Reference(stack, name, depth));
            case "Fn::GetAtt":
                var parts = argument is JsonArray ga
                    ? ga.Select(p => Text(stack, p, depth, function)).ToArray()
                    : Text(stack, argument, depth, function).Split('.', 2);
                if (parts.Length != 2) throw Bad(stack, function, argument);
                return JsonValue.Create(Attribute(stack, parts[0], parts[1], depth));
            case "Fn::Join":
            {
                var args = Args(argument, 2, stack, function);
                var delimiter = Text(stack, args[0], depth, function);
                var list = Walk(stack, args[1], depth) as JsonArray ?? throw Bad(stack, function, argument);
                return JsonValue.Create(string.Join(delimiter, list.Select(item => Scalar(stack, item, function))));
            }
            case "Fn::Sub":
                return JsonValue.Create(Substitute(stack, argument, depth));
            case "Fn::ImportValue":
                return JsonValue.Create(Import(stack, Text(stack, argument, depth, function), depth));
            default:
                throw new CloudAssemblyException($"{stack.TemplateFile}: intrinsic {function} is not supported by the local control plane");
        }
    }

    string Reference(StackTemplate stack, string name, int depth)
    {
        switch (name)
        {
            case "AWS::AccountId": return account.AccountId;
            case "AWS::Region": return account.Region;
            case "AWS::Partition": return account.Partition;
            case "AWS::URLSuffix": return account.UrlSuffix;
            case "AWS::StackName": return stack.StackName;
            case "AWS::StackId": return $"arn:{account.Partition}:cloudformation:{account.Region}:{account.AccountId}:stack/{stack.StackName}/{Guid(stack, "stack")}";
        }
        if (stack.Template["Parameters"]?[name] is JsonObject parameter)
            return parameter["Default"] is { } d
                ? Scalar(stack, d, "Ref")
                : throw new CloudAssemblyException($"{stack.TemplateFile}: parameter {name} has no default; the local control plane cannot deploy it");
        var (type, _) = Resource(stack, name);
        if (Ec2IdPrefixes.TryGetValue(type, out var prefix)) return prefix + Hex(stack, name, 17);
        return type switch
        {
            "AWS::SNS::Topic" => $"arn:{account.Partition}:sns:{account.Region}:{account.AccountId}:{PhysicalName(stack, name, depth)}",
            "AWS::SQS::Queue" => $"https://sqs.{account.Region}.{account.UrlSuffix}/{account.AccountId}/{PhysicalName(stack, name, depth)}",
            "AWS::KMS::Key" => Guid(stack, name),
            _ => PhysicalName(stack, name, depth),
        };
    }

    string Attribute(StackTemplate stack, string logicalId, string attribute, int depth)
    {
        var (type, _) = Resource(stack, logicalId);
        var name = PhysicalName(stack, logicalId, depth);
        string Arn(string service, string resource, bool regional = true) =>
            $"arn:{account.Partition}:{service}:{(regional ? account.Region : "")}:{account.AccountId}:{resource}";
        return (type, attribute) switch
        {
            ("AWS::IAM::Role", "Arn") => Arn("iam", "role/" + name, regional: false),
            ("AWS::IAM::Role", "RoleId") => "AROA" + Hex(stack, logicalId, 17).ToUpperInvariant(),
            ("AWS::Lambda::Function", "Arn") => Arn("lambda", "function:" + name),
            ("AWS::ECS::Cluster", "Arn") => Arn("ecs", "cluster/" + name),
            ("AWS::DynamoDB::Table", "Arn") => Arn("dynamodb", "table/" + name),
            ("AWS::SQS::Queue", "Arn") => Arn("sqs", name),
            ("AWS::SQS::Queue", "QueueName") => name,
            ("AWS::SQS::Queue", "QueueUrl") => Reference(stack, logicalId, depth),
            ("AWS::SNS::Topic", "TopicArn" or "Arn") => Reference(stack, logicalId, depth),
            ("AWS::SNS::Topic", "TopicName") => name,
            ("AWS::KMS::Key", "Arn") => Arn("kms", "key/" + Guid(stack, logicalId)),
            ("AWS::KMS::Key", "KeyId") => Guid(stack, logicalId),
            ("AWS::Logs::LogGroup", "Arn") => Arn("logs", $"log-group:{name}:*"),
            ("AWS::Events::Rule", "Arn") => Arn("events", "rule/" + name),
            ("AWS::EC2::SecurityGroup", "GroupId") => Reference(stack, logicalId, depth),
            ("AWS::EC2::VPC", "VpcId") => Reference(stack, logicalId, depth),
            ("AWS::EC2::VPC", "CidrBlock") => stack.Resources[logicalId]?["Properties"]?["CidrBlock"]?.GetValue<string>() ?? "10.0.0.0/16",
            (_, "Arn") => Arn(type.Split("::")[1].ToLowerInvariant(), name),
            _ => $"{name}.{attribute}",
        };
    }

    (string Type, JsonObject Resource) Resource(StackTemplate stack, string logicalId) =>
        stack.Resources[logicalId] is JsonObject r && r["Type"]?.GetValue<string>() is { } type
            ? (type, r)
            : throw new CloudAssemblyException($"{stack.TemplateFile}: {logicalId} is not a resource, parameter or pseudo parameter");

    string PhysicalName(StackTemplate stack, string logicalId, int depth)
    {
        var (type, resource) = Resource(stack, logicalId);
        if (NameProperties.TryGetValue(type, out var property) && resource["Properties"]?[property] is { } set)
            return Scalar(stack, Walk(stack, set, depth + 1), "name");
        return $"{stack.StackName}-{logicalId}";
    }

    string Import(StackTemplate importer, string exportName, int depth)
    {
        foreach (var stack in assembly.Stacks)
        {
            if (stack.Template["Outputs"] is not JsonObject outputs) continue;
            foreach (var (_, output) in outputs)
            {
                if (output?["Export"]?["Name"] is not { } name) continue;
                if (Scalar(stack, Walk(stack, name, depth + 1), "Export") == exportName)
                    return Scalar(stack, Walk(stack, output["Value"], depth + 1), "Fn::ImportValue");
            }
        }
        throw new CloudAssemblyException($"{importer.TemplateFile}: Fn::ImportValue {exportName} is exported by no stack of the assembly");
    }

    string Substitute(StackTemplate stack, JsonNode? argument, int depth)
    {
        string text;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (argument is JsonArray { Count: 2 } pair)
        {
            text = pair[0]?.GetValue<string>() ?? throw Bad(stack, "Fn::Sub", argument);
            if (pair[1] is JsonObject map)
                foreach (var (key, value) in map) variables[key] = Scalar(stack, Walk(stack, value, depth), "Fn::Sub");
        }
        else
        {
            text = argument?.GetValue<string>() ?? throw Bad(stack, "Fn::Sub", argument);
        }
        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            if (start < 0) { result.Append(text, i, text.Length - i); break; }
            result.Append(text, i, start - i);
            var end = text.IndexOf('}', start);
            if (end < 0) throw new CloudAssemblyException($"{stack.TemplateFile}: Fn::Sub \"{text}\" has an unclosed ${{");
            var name = text[(start + 2)..end];
            if (name.StartsWith('!')) result.Append("${").Append(name[1..]).Append('}');
            else if (variables.TryGetValue(name, out var v)) result.Append(v);
            else if (name.Contains('.') && !name.StartsWith("AWS::", StringComparison.Ordinal))
                result.Append(Attribute(stack, name.Split('.', 2)[0], name.Split('.', 2)[1], depth));
            else result.Append(Reference(stack, name, depth));
            i = end + 1;
        }
        return result.ToString();
    }

    string Text(StackTemplate stack, JsonNode? node, int depth, string function) => Scalar(stack, Walk(stack, node, depth), function);

    static string Scalar(StackTemplate stack, JsonNode? node, string function) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => throw new CloudAssemblyException($"{stack.TemplateFile}: {function} needs a scalar, got {node?.ToJsonString() ?? "null"}"),
    };

    static JsonArray Args(JsonNode? argument, int count, StackTemplate stack, string function) =>
        argument is JsonArray a && a.Count == count ? a : throw Bad(stack, function, argument);

    static CloudAssemblyException Bad(StackTemplate stack, string function, JsonNode? argument) =>
        new($"{stack.TemplateFile}: malformed {function}: {argument?.ToJsonString() ?? "null"}");

    static string Hex(StackTemplate stack, string logicalId, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stack.StackName + "/" + logicalId)))[..length];

    static string Guid(StackTemplate stack, string logicalId)
    {
        var h = Hex(stack, logicalId, 32);
        return $"{h[..8]}-{h[8..12]}-{h[12..16]}-{h[16..20]}-{h[20..32]}";
    }
}
