using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.Lambda;
using Infra.Configuration;

namespace Infra.Tests;

/// <summary>
/// The app synthesized once per configuration and test run (jsii synth is slow), with a small directory as the
/// function's code: `npx cdk synth` exercises the real dotnet publish bundling. Each configuration is a collection
/// fixture (<c>[Collection(nameof(DefaultApp))]</c> on a test class that takes a <see cref="DefaultApp"/>): a class
/// fixture would synthesize it again for every test class. Tests read it and never add to it.
/// </summary>
public abstract class SynthesizedApp : IDisposable
{
    readonly string outdir = Directory.CreateTempSubdirectory("infra-tests-").FullName;

    protected SynthesizedApp(params (string Key, object Value)[] context)
    {
        var values = context.ToDictionary(c => ConfigReader.Prefix + c.Key, c => c.Value);
        Config = ConfigReader.Read(key => values.TryGetValue(key, out var v) ? v : null, values.Keys);
        Root = RepositoryRoot.Find();

        var code = Path.Combine(outdir, "code");
        Directory.CreateDirectory(code);
        File.WriteAllText(Path.Combine(code, "Remediator.dll"), "stand-in for the published function");

        var app = new App(new AppProps { Outdir = Path.Combine(outdir, "cdk.out") });
        Stacks = AppStacks.Build(app, Config, Root, Code.FromAsset(code));
        app.Synth();
        if (Stacks.Capacity is not null)
        {
            capacity = Template.FromStack(Stacks.Capacity);
            capacityJson = Read(AppStacks.CapacityStackName);
        }
        Remediation = Template.FromStack(Stacks.Remediation);
        RemediationJson = Read(AppStacks.RemediationStackName);
        if (Stacks.Sandbox is not null)
        {
            Sandbox = Template.FromStack(Stacks.Sandbox);
            SandboxJson = Read(AppStacks.SandboxStackName);
        }
    }

    public RemediationConfig Config { get; }

    public string Root { get; }

    public AppStacks Stacks { get; }

    readonly Template? capacity;
    readonly JsonObject? capacityJson;

    /// <summary>The capacity stack's template; only for a configuration with safe capacity.</summary>
    public Template Capacity => capacity ?? throw new InvalidOperationException("this configuration has no capacity stack");

    public Template Remediation { get; }

    public Template? Sandbox { get; }

    public JsonObject CapacityJson => capacityJson ?? throw new InvalidOperationException("this configuration has no capacity stack");

    /// <summary>The templates of every stack the app wrote (member.out's not included), by file name.</summary>
    public IReadOnlyDictionary<string, JsonObject> Templates =>
        Directory.GetFiles(Path.Combine(outdir, "cdk.out"), "*.template.json")
            .ToDictionary(f => Path.GetFileName(f), f => JsonNode.Parse(File.ReadAllText(f))!.AsObject());

    public JsonObject RemediationJson { get; }

    public JsonObject? SandboxJson { get; }

    public string HostScript(string name) => File.ReadAllText(Path.Combine(Root, "hostscripts", name));

    /// <summary>Resources of one type in a template, by logical id.</summary>
    public static IEnumerable<(string Id, JsonObject Properties)> Resources(JsonObject template, string type) =>
        template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type)
            .Select(r => (r.Key, r.Value!["Properties"]?.AsObject() ?? []));

    public static JsonObject Single(JsonObject template, string type) => Assert.Single(Resources(template, type)).Properties;

    JsonObject Read(string stack) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(outdir, "cdk.out", stack + ".template.json")))!.AsObject();

    public void Dispose()
    {
        Directory.Delete(outdir, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The example environment: created VPC, cluster and example workload.</summary>
public sealed class DefaultApp() : SynthesizedApp(("exampleEnvironment", "true"));

/// <summary>
/// An existing VPC and two existing clusters with safe capacity, each with capacity providers of its own, an
/// allowlist, fix mode and a concurrency reservation.
/// </summary>
public sealed class ExistingClusterApp() : SynthesizedApp(
    ("cluster", "prod"),
    ("vpcId", "vpc-0123456789abcdef0"),
    ("subnetIds", "subnet-0123456789abcdef0,subnet-0123456789abcdef1"),
    ("taskSecurityGroupIds", "sg-0123456789abcdef0"),
    ("safeCapacityClusters", "prod,batch"),
    ("existingCapacityProviders", "prod-ondemand,prod-spot,batch/batch-spot"),
    ("existingDefaultStrategy", "prod-ondemand:1:1,prod-spot:3,batch/none"),
    ("allowedClusters", "prod,batch"),
    ("taskDefinitionFamilies", "app"),
    ("proactiveAction", "fix"),
    ("reservedConcurrency", "5"),
    ("sandbox", "true"));

[CollectionDefinition(nameof(DefaultApp))]
public sealed class DefaultAppCollection : ICollectionFixture<DefaultApp>;

[CollectionDefinition(nameof(ExistingClusterApp))]
public sealed class ExistingClusterAppCollection : ICollectionFixture<ExistingClusterApp>;

[CollectionDefinition(nameof(OrganizationApp))]
public sealed class OrganizationAppCollection : ICollectionFixture<OrganizationApp>;
