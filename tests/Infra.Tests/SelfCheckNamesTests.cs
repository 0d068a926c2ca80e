using System.Text.RegularExpressions;

namespace Infra.Tests;

/// <summary>
/// The sandbox self-check finds everything by the stacks' outputs: every output it reads, and its default stack
/// names, are those of the synthesized templates (no guessed name prefixes).
/// </summary>
[Collection(nameof(ExistingClusterApp))]
public sealed partial class SelfCheckNamesTests(ExistingClusterApp app)
{
    string Script => File.ReadAllText(Path.Combine(app.Root, "infra", "selfcheck", "sandbox-self-check.sh"));

    [GeneratedRegex("""stack_output "\$\{(?<stack>[A-Z_]+)\}" (?<key>[A-Za-z0-9]+)""")]
    private static partial Regex StackOutputRead();

    [Theory]
    [InlineData("SANDBOX_STACK", AppStacks.SandboxStackName)]
    [InlineData("REMEDIATION_STACK", AppStacks.RemediationStackName)]
    public void Script_EveryOutputItReads_IsAnOutputOfThatSynthesizedStack(string variable, string stackName)
    {
        var template = stackName == AppStacks.SandboxStackName ? app.SandboxJson! : app.RemediationJson;
        var outputs = template["Outputs"]!.AsObject().Select(o => o.Key).ToHashSet(StringComparer.Ordinal);

        var read = StackOutputRead().Matches(Script).Where(m => m.Groups["stack"].Value == variable).Select(m => m.Groups["key"].Value).ToList();

        Assert.NotEmpty(read);
        Assert.All(read, key => Assert.Contains(key, outputs));
        Assert.Contains($"{variable}=\"{stackName}\"", Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_FindsNoResourceByANamePrefix()
    {
        Assert.DoesNotMatch("--(alarm-)?name-prefix", Script);
    }
}
