using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.ECS;
using Infra.Constructs;
using Remediation.Contracts;

namespace Infra.Tests;

/// <summary>
/// docs/prevention.md's copy-paste snippets, each judged by the tool that deploys it (botocore's ECS model for the
/// CLI's JSON, cfn-lint, terraform with the AWS provider, the TypeScript compiler with aws-cdk-lib), and each one's
/// placement constraint and capacity provider strategy held to what <see cref="DnsSafePlacement"/> writes.
/// </summary>
public partial class PreventionSnippetTests
{
    static readonly string Root = RepositoryRoot.Find();

    static string SnippetsDirectory => Path.Combine(Root, "tests", "Infra.Tests", "Snippets");

    /// <summary>A snippet is the fenced block right after a line "&lt;!-- snippet: NAME --&gt;".</summary>
    [GeneratedRegex(@"^<!-- snippet: (?<name>[a-z0-9-]+) -->\n```(?<language>[a-z]+)\n(?<text>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SnippetBlock();

    static readonly Lazy<Dictionary<string, (string Language, string Text)>> Snippets = new(() =>
        SnippetBlock().Matches(File.ReadAllText(Path.Combine(Root, "docs", "prevention.md")))
            .ToDictionary(m => m.Groups["name"].Value, m => (m.Groups["language"].Value, m.Groups["text"].Value)));

    static string Snippet(string name, string language)
    {
        Assert.True(Snippets.Value.TryGetValue(name, out var snippet), $"docs/prevention.md has no snippet {name}");
        Assert.Equal(language, snippet.Language);
        return snippet.Text;
    }

    /// <summary>The constraint and the strategy as the aspect writes them into a template, keys in camelCase.</summary>
    static readonly Lazy<(JsonNode Constraints, JsonNode Strategy)> AspectOutput = new(() =>
    {
        var stack = new Stack(new App(), "Aspect");
        var taskDefinition = new CfnTaskDefinition(stack, "TaskDefinition", new CfnTaskDefinitionProps
        {
            NetworkMode = "awsvpc",
            Volumes = new object[]
            {
                new CfnTaskDefinition.VolumeProperty
                {
                    Name = "data",
                    EfsVolumeConfiguration = new CfnTaskDefinition.EFSVolumeConfigurationProperty { FilesystemId = "fs-0123456789abcdef0" },
                },
            },
            ContainerDefinitions = new object[] { new CfnTaskDefinition.ContainerDefinitionProperty { Name = "app", Image = "busybox", Memory = 128 } },
        });
        _ = new CfnService(stack, "Service", new CfnServiceProps { Cluster = "prod", TaskDefinition = taskDefinition.Ref, LaunchType = "EC2" });
        Aspects.Of(stack).Add(new DnsSafePlacement(Settings.SafeCapacityProviderName.Default));
        var resources = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Template.FromStack(stack).ToJSON()))!["Resources"]!;
        return (CamelCase(resources["TaskDefinition"]!["Properties"]!["PlacementConstraints"]!),
            CamelCase(resources["Service"]!["Properties"]!["CapacityProviderStrategy"]!));
    });

    /// <summary>CloudFormation's and Terraform's spellings of the CLI's camelCase keys (Weight, capacity_provider).</summary>
    static JsonNode CamelCase(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(
            char.ToLowerInvariant(p.Key[0]) + Regex.Replace(p.Key[1..], "_([a-z])", m => m.Groups[1].Value.ToUpperInvariant()),
            (JsonNode?)CamelCase(p.Value!)))),
        JsonArray a => new JsonArray(a.Select(i => (JsonNode?)CamelCase(i!)).ToArray()),
        _ => node.DeepClone(),
    };

    static void AssertSameAsAspect(JsonNode expected, JsonNode? actual, string what)
    {
        Assert.NotNull(actual);
        var normalized = CamelCase(actual);
        Assert.True(JsonNode.DeepEquals(expected, normalized), $"{what}: {normalized.ToJsonString()} differs from the aspect's {expected.ToJsonString()}");
    }

    static (int Code, string Output, string Error) Run(string file, IEnumerable<string> arguments, string? input = null, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Root,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // These checks need the deploying tools themselves; a missing one is a failure, never a skip.
            throw new Xunit.Sdk.XunitException($"{file} is not on PATH: the snippet checks need python3 with botocore and cfn-lint, cfn-lint, terraform (with the hashicorp/aws provider: TERRAFORM_PROVIDER_MIRROR offline) and node (typescript from npm ci)");
        }
        using var _ = process;
        process.StandardInput.Write(input ?? "");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    static JsonNode Judge(string snippet, params string[] arguments)
    {
        var (code, output, error) = Run("python3", [Path.Combine(SnippetsDirectory, "SnippetJudge.py"), .. arguments], snippet);
        Assert.True(code == 0, $"SnippetJudge.py {string.Join(' ', arguments)}: exit {code}: {error}");
        return JsonNode.Parse(output)!;
    }

    [Fact]
    public void Prevention_Snippets_AreTheSevenDocumented()
    {
        Assert.Equal(
            ["cdk-typescript", "cli-create-service", "cli-register-task-definition", "cli-run-task", "cloudformation", "iam-instance-policy", "terraform"],
            Snippets.Value.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CliTaskDefinition_ValidForBotocore_HasTheAspectsConstraint()
    {
        var input = Judge(Snippet("cli-register-task-definition", "json"), "ecs", "RegisterTaskDefinition");

        AssertSameAsAspect(AspectOutput.Value.Constraints, input["placementConstraints"], "placementConstraints");
        Assert.Equal("awsvpc", input["networkMode"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("cli-create-service", "CreateService")]
    [InlineData("cli-run-task", "RunTask")]
    public void CliLaunch_ValidForBotocore_HasTheAspectsStrategyAndNoLaunchType(string name, string operation)
    {
        var input = Judge(Snippet(name, "json"), "ecs", operation);

        AssertSameAsAspect(AspectOutput.Value.Strategy, input["capacityProviderStrategy"], "capacityProviderStrategy");
        Assert.Null(input["launchType"]);
    }

    [Fact]
    public void CloudFormation_PassesCfnLint_HasTheAspectsConstraintAndStrategy()
    {
        var text = Snippet("cloudformation", "yaml");
        using var dir = new TempDirectory("prevention-cfn-");
        var file = Path.Combine(dir.Path, "app.yaml");
        File.WriteAllText(file, text);

        var (code, output, error) = Run("cfn-lint", [file]);
        Assert.True(code == 0, $"cfn-lint: exit {code}: {output}{error}");

        var template = Judge(text, "cloudformation");
        var resources = template["Resources"]!.AsObject();
        var taskDefinition = Assert.Single(resources, r => r.Value!["Type"]!.GetValue<string>() == "AWS::ECS::TaskDefinition").Value!;
        var service = Assert.Single(resources, r => r.Value!["Type"]!.GetValue<string>() == "AWS::ECS::Service").Value!;
        AssertSameAsAspect(AspectOutput.Value.Constraints, taskDefinition["Properties"]!["PlacementConstraints"], "PlacementConstraints");
        AssertSameAsAspect(AspectOutput.Value.Strategy, WithParameterDefaults(service["Properties"]!["CapacityProviderStrategy"]!, template), "CapacityProviderStrategy");
        Assert.Null(service["Properties"]!["LaunchType"]);
    }

    /// <summary>Each {"Ref": parameter} replaced by the parameter's default, as a deploy without overrides would.</summary>
    static JsonNode WithParameterDefaults(JsonNode node, JsonNode template) => node switch
    {
        JsonObject { Count: 1 } o when o["Ref"] is JsonValue reference => template["Parameters"]![reference.GetValue<string>()]!["Default"]!.DeepClone(),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)WithParameterDefaults(p.Value!, template)))),
        JsonArray a => new JsonArray(a.Select(i => (JsonNode?)WithParameterDefaults(i!, template)).ToArray()),
        _ => node.DeepClone(),
    };

    /// <summary>
    /// terraform plan, which first validates against the hashicorp/aws provider's schema (offline: dummy credentials,
    /// no refresh, no data source); its JSON holds the values the provider would send. Offline, the provider comes
    /// from a filesystem mirror: TERRAFORM_PROVIDER_MIRROR, else /opt/tf-plugins when it exists, else the registry.
    /// </summary>
    [Fact]
    public void Terraform_PlansWithTheAwsProvider_TheAspectsConstraintAndStrategy()
    {
        using var temp = new TempDirectory("prevention-tf-");
        var dir = temp.Path;
        File.WriteAllText(Path.Combine(dir, "main.tf"), Snippet("terraform", "hcl"));
        File.WriteAllText(Path.Combine(dir, "provider.tf"), """
            provider "aws" {
              region                      = "us-east-1"
              access_key                  = "snippet-test"
              secret_key                  = "snippet-test"
              skip_credentials_validation = true
              skip_requesting_account_id  = true
              skip_metadata_api_check     = true
            }
            """);
        var mirror = System.Environment.GetEnvironmentVariable("TERRAFORM_PROVIDER_MIRROR") is { Length: > 0 } configured
            ? configured
            : Directory.Exists("/opt/tf-plugins") ? "/opt/tf-plugins" : null;
        var environment = new Dictionary<string, string> { ["TF_IN_AUTOMATION"] = "1" };
        string[] init = mirror is null ? ["init", "-backend=false", "-input=false", "-no-color"] : ["init", "-backend=false", "-input=false", "-no-color", $"-plugin-dir={mirror}"];

        foreach (var step in new[]
        {
            init,
            // plan validates the configuration against the provider's schema first, as validate would.
            ["plan", "-refresh=false", "-input=false", "-no-color", "-out=plan", "-var", "file_system_id=fs-0123456789abcdef0",
                "-var", "subnets=[\"subnet-0123456789abcdef0\"]", "-var", "security_groups=[\"sg-0123456789abcdef0\"]"],
        })
        {
            var (code, output, error) = Run("terraform", step, workingDirectory: dir, environment: environment);
            Assert.True(code == 0, $"terraform {step[0]}: exit {code}: {output}{error}");
        }
        var (showCode, plan, showError) = Run("terraform", ["show", "-json", "plan"], workingDirectory: dir, environment: environment);
        Assert.True(showCode == 0, $"terraform show: exit {showCode}: {showError}");

        var changes = JsonNode.Parse(plan)!["resource_changes"]!.AsArray();
        JsonNode After(string type) => Assert.Single(changes, c => c!["type"]!.GetValue<string>() == type)!["change"]!["after"]!;
        AssertSameAsAspect(AspectOutput.Value.Constraints, After("aws_ecs_task_definition")["placement_constraints"], "placement_constraints");
        AssertSameAsAspect(AspectOutput.Value.Strategy, After("aws_ecs_service")["capacity_provider_strategy"], "capacity_provider_strategy");
    }

    [Fact]
    public void CdkTypeScript_CompilesAndSynthesizes_TheAspectsConstraintAndStrategy()
    {
        using var temp = new TempDirectory("prevention-ts-");
        var dir = temp.Path;
        var snippet = Path.Combine(dir, "app.ts");
        var outdir = Path.Combine(dir, "cdk.out");
        File.WriteAllText(snippet, Snippet("cdk-typescript", "ts"));

        var program = Path.Combine(dir, "app.js");
        var (code, output, error) = Run("node", [Path.Combine(SnippetsDirectory, "TypeScriptSnippet.cjs"), snippet, program, Root]);
        Assert.True(code == 0, $"TypeScriptSnippet.cjs: exit {code}: {output}{error}");

        // Run as under `cdk synth`: with CDK_OUTDIR set, the App synthesizes there when the program ends (aws-cdk-lib
        // App, autoSynth), and aws-cdk-lib is the repository's.
        var nodePath = string.Join(':', new[] { Path.Combine(Root, "node_modules"), System.Environment.GetEnvironmentVariable("NODE_PATH") }.Where(p => !string.IsNullOrEmpty(p)));
        (code, output, error) = Run("node", [program], environment: new Dictionary<string, string> { ["CDK_OUTDIR"] = outdir, ["NODE_PATH"] = nodePath! });
        Assert.True(code == 0, $"node app.js: exit {code}: {output}{error}");

        var template = Directory.EnumerateFiles(outdir, "*.template.json").Single();
        var resources = JsonNode.Parse(File.ReadAllText(template))!["Resources"]!.AsObject();
        var taskDefinition = Assert.Single(resources, r => r.Value!["Type"]!.GetValue<string>() == "AWS::ECS::TaskDefinition").Value!;
        var service = Assert.Single(resources, r => r.Value!["Type"]!.GetValue<string>() == "AWS::ECS::Service").Value!;
        AssertSameAsAspect(AspectOutput.Value.Constraints, taskDefinition["Properties"]!["PlacementConstraints"], "PlacementConstraints");
        AssertSameAsAspect(AspectOutput.Value.Strategy, service["Properties"]!["CapacityProviderStrategy"], "CapacityProviderStrategy");
        Assert.Null(service["Properties"]!["LaunchType"]);
    }

    sealed class TempDirectory(string prefix) : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    internal static (int Code, string Output, string Error) CfnLint(string templateText)
    {
        using var dir = new TempDirectory("prevention-cfn-");
        var file = Path.Combine(dir.Path, "template.yaml");
        File.WriteAllText(file, templateText);
        return Run("cfn-lint", [file]);
    }

    internal static string SnippetText(string name, string language) => Snippet(name, language);
}

/// <summary>
/// docs/prevention.md's IAM policy for your own instance role: valid where CloudFormation takes a policy, and the same
/// statements as the safe capacity's synthesized instance role, its resource the ARN of the object the URL names.
/// </summary>
[Collection(nameof(DefaultApp))]
public class PreventionIamSnippetTests(DefaultApp app)
{
    [Fact]
    public void IamInstancePolicy_PassesCfnLint_HasTheSafeCapacityRolesStatements()
    {
        var text = PreventionSnippetTests.SnippetText("iam-instance-policy", "json");
        var policy = JsonNode.Parse(text)!;
        var template = new JsonObject
        {
            ["Resources"] = new JsonObject
            {
                ["Policy"] = new JsonObject
                {
                    ["Type"] = "AWS::IAM::ManagedPolicy",
                    ["Properties"] = new JsonObject { ["PolicyDocument"] = policy.DeepClone() },
                },
            },
        };
        var (code, output, error) = PreventionSnippetTests.CfnLint(template.ToJsonString());
        Assert.True(code == 0, $"cfn-lint: exit {code}: {output}{error}");

        var synthesized = SynthesizedApp.Resources(app.CapacityJson, "AWS::IAM::Policy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Where(s => s!["Sid"] is not null)
            .ToDictionary(s => (string)s!["Sid"]!, s => s!);
        foreach (var statement in policy["Statement"]!.AsArray())
        {
            var sid = (string)statement!["Sid"]!;
            Assert.True(synthesized.TryGetValue(sid, out var expected), $"the safe capacity's role has no statement {sid}");
            foreach (var key in new[] { "Effect", "Action", "Condition" })
                Assert.True(JsonNode.DeepEquals(expected![key], statement[key]), $"{sid}.{key}: {statement[key]?.ToJsonString()} differs from {expected[key]?.ToJsonString()}");
        }

        // The role's resource, tokens resolved, is "arn:aws:s3:::" and the asset URL's bucket and key: the rule the
        // page gives, which the snippet's resource follows.
        static string Resolve(string text) => text.Replace("${AWS::AccountId}", "111122223333", StringComparison.Ordinal)
            .Replace("${AWS::Region}", "us-east-1", StringComparison.Ordinal).Replace("${AWS::Partition}", "aws", StringComparison.Ordinal);
        static string Flatten(JsonNode node) => node switch
        {
            JsonValue v => Resolve((string)v!),
            JsonObject o when o["Fn::Join"] is JsonArray join => string.Join((string)join[0]!, join[1]!.AsArray().Select(p => Flatten(p!))),
            JsonObject o when o["Fn::Sub"] is JsonValue sub => Resolve((string)sub!),
            JsonObject o when o["Ref"] is JsonValue reference => Resolve("${" + (string)reference! + "}"),
            _ => throw new Xunit.Sdk.XunitException($"unexpected token {node.ToJsonString()}"),
        };
        var asset = app.Stacks.Capacity.SafeCapacities[0].ResolvFixAsset;
        var url = Flatten(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(app.Stacks.Capacity.Resolve(asset.S3ObjectUrl)))!);
        Assert.StartsWith("s3://", url, StringComparison.Ordinal);
        Assert.Equal($"arn:aws:s3:::{url["s3://".Length..]}", Flatten(synthesized["ReadResolvFixScript"]["Resource"]!));
        Assert.Matches(@"^arn:aws:s3:::cdk-hnb659fds-assets-[0-9]{12}-[a-z0-9-]+/[0-9a-f]{64}\.sh$", (string)policy["Statement"]![0]!["Resource"]!);
    }
}
