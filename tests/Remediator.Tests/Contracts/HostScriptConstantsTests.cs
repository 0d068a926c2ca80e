using System.Text.RegularExpressions;
using Remediation.Contracts;
using Remediation.Testing;

namespace Remediator.Tests.Contracts;

/// <summary>
/// The host scripts keep their own bash constants; these tests hold them to the contracts, so a change on one side
/// only (an exit code, the default resolver, a verdict word, the safe capacity's attribute or metric) fails here.
/// </summary>
public sealed partial class HostScriptConstantsTests
{
    public static TheoryData<string, string, string> Constants => new()
    {
        { "resolv-fix.sh", "EXIT_OK", Number(ResolvFixExitCodes.Ok) },
        { "resolv-fix.sh", "EXIT_AT_RISK", Number(ResolvFixExitCodes.AtRisk) },
        { "resolv-fix.sh", "EXIT_USAGE", Number(ResolvFixExitCodes.Usage) },
        { "resolv-fix.sh", "EXIT_VERIFY", Number(ResolvFixExitCodes.VerifyHostUnresolved) },
        { "resolv-fix.sh", "EXIT_ENV", Number(ResolvFixExitCodes.Environment) },
        { "resolv-fix.sh", "DEFAULT_RESOLVER", VpcResolver.Default },
        { "efs-evidence.sh", "EXIT_OK", Number(EfsEvidenceVerdicts.ExitVerdict) },
        { "efs-evidence.sh", "EXIT_USAGE", Number(EfsEvidenceVerdicts.ExitUsage) },
        { "efs-evidence.sh", "RF_OK", Number(ResolvFixExitCodes.Ok) },
        { "efs-evidence.sh", "RF_AT_RISK", Number(ResolvFixExitCodes.AtRisk) },
        { "efs-evidence.sh", "RF_VERIFY", Number(ResolvFixExitCodes.VerifyHostUnresolved) },
        { "efs-evidence.sh", "DEFAULT_RESOLVER", VpcResolver.Default },
        { "diagnose-task-netns.sh", "RESOLVER", VpcResolver.Default },
        { "safe-capacity-boot.sh", "METRIC_NAMESPACE", SafeCapacityMetrics.Namespace },
        { "safe-capacity-boot.sh", "METRIC_NAME", SafeCapacityMetrics.SafeInstances },
        { "safe-capacity-boot.sh", "SAFE_LINE", AttributeLine(SafeCapacityAttribute.Safe) },
        { "safe-capacity-boot.sh", "AT_RISK_LINE", AttributeLine(SafeCapacityAttribute.AtRisk) },
    };

    [Theory]
    [MemberData(nameof(Constants))]
    public void Constant_InHostScript_EqualsTheContract(string script, string name, string expected)
    {
        var values = Assignments(script);

        Assert.True(values.TryGetValue(name, out var actual), $"hostscripts/{script} assigns no {name} at the top level");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Verdicts_EfsEvidenceAssignsAndPrints_ExactlyTheContractsWords()
    {
        var text = Read("efs-evidence.sh");

        var assigned = VerdictAssignment().Matches(text).Select(m => m.Groups["word"].Value).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(EfsEvidenceVerdicts.All.Order(StringComparer.Ordinal), assigned);
        Assert.Matches("printf '" + Regex.Escape(EfsEvidenceVerdicts.LinePrefix) + @"%s\\n[^']*' ""\$\{verdict\}""", text);
    }

    [Fact]
    public void Verdicts_EfsEvidenceUsage_ListsEveryWord()
    {
        var usage = Usage().Match(Read("efs-evidence.sh")).Groups["text"].Value;

        Assert.All(EfsEvidenceVerdicts.All, word => Assert.Matches(@"(?<![\w-])" + Regex.Escape(word) + @"(?![\w-])", usage));
    }

    static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static string AttributeLine(string value) => $$"""ECS_INSTANCE_ATTRIBUTES={"{{SafeCapacityAttribute.Name}}":"{{value}}"}""";

    static string Read(string script) => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "hostscripts", script));

    /// <summary>Top-level NAME=VALUE lines (readonly or not), with one level of single or double quotes removed.</summary>
    static Dictionary<string, string> Assignments(string script)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Assignment().Matches(Read(script)))
            values.TryAdd(m.Groups["name"].Value, m.Groups["value"].Value);
        return values;
    }

    [GeneratedRegex("""^(?:readonly )?(?<name>[A-Z_]+)=(?:'(?<value>[^']*)'|"(?<value>[^"$]*)"|(?<value>[0-9]+))$""", RegexOptions.Multiline)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^\s+verdict=(?<word>[a-z-]+)(?: |$)", RegexOptions.Multiline)]
    private static partial Regex VerdictAssignment();

    /// <summary>The text the script's usage function prints (its heredoc).</summary>
    [GeneratedRegex(@"^usage\(\) \{\n  cat <<'EOF'\n(?<text>.*?)\nEOF\n", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Usage();
}
