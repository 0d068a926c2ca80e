using Remediator.Diagnosing;
using Remediator.Planning;

namespace Remediator.Tests.Diagnosing;

/// <summary>The README's table of failure forms names every form the plan can report, as the plan's JSON spells it.</summary>
public class FailureFormsReadmeTests
{
    static string FailureFormsSection()
    {
        var readme = File.ReadAllText(Path.Combine(Remediation.Testing.RepositoryRoot.Path, "README.md"));
        var start = readme.IndexOf("### Failure forms", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no \"Failure forms\" section");
        var end = readme.IndexOf("\n### ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    public static TheoryData<SignatureForm> Forms()
    {
        var data = new TheoryData<SignatureForm>();
        foreach (var form in Enum.GetValues<SignatureForm>().Where(f => f != SignatureForm.None))
            data.Add(form);
        return data;
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void ReadmeFailureForms_EveryForm_IsInTheTable(SignatureForm form)
    {
        var diagnosis = new Diagnosis(DiagnosisKind.EfsMountFailure, form, null, null);
        var named = PlanDocument.From(new Plan(Decision.Remediate, Cause.LocalResolverUnreachable, "", diagnosis, [], Execute: false)).Diagnosis.Form;

        Assert.Contains($"| `{named}`", FailureFormsSection(), StringComparison.Ordinal);
    }
}
