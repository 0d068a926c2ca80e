using Amazon.CDK.AWS.SSM;
using Constructs;
using Infra.Documents;
using Remediation.Contracts;

namespace Infra.Constructs;

/// <summary>
/// The Run Command documents that carry the host scripts to container instances: the host fix, the diagnosis from
/// a task network namespace, and the read-only EFS evidence. Each has a fixed name (<see cref="RemediationDocuments"/>),
/// so that operators, the runbook and the CLI can name it.
/// </summary>
public sealed class CommandDocuments : Construct
{
    public CfnDocument ResolvFix { get; }

    public CfnDocument DiagnoseTaskNetns { get; }

    public CfnDocument EfsEvidence { get; }

    public string ResolvFixName { get; }

    public string DiagnoseTaskNetnsName { get; }

    public string EfsEvidenceName { get; }

    public CommandDocuments(Construct scope, string id, CommandDocumentsProps props) : base(scope, id)
    {
        ResolvFixName = RemediationDocuments.ResolvFix(props.NamePrefix);
        DiagnoseTaskNetnsName = RemediationDocuments.Diagnose(props.NamePrefix);
        EfsEvidenceName = RemediationDocuments.EfsEvidence(props.NamePrefix);

        ResolvFix = Document("ResolvFix", ResolvFixName, ResolvFixDocument.Content(props.ResolvFix, props.VpcResolver));
        DiagnoseTaskNetns = Document("DiagnoseTaskNetns", DiagnoseTaskNetnsName, DiagnoseDocument.Content(props.DiagnoseTaskNetns));
        EfsEvidence = Document("EfsEvidence", EfsEvidenceName, EfsEvidenceDocument.Content(props.EfsEvidence, props.ResolvFix, props.VpcResolver));
    }

    CfnDocument Document(string id, string name, Dictionary<string, object> content) => new(this, id, new CfnDocumentProps
    {
        Name = name,
        DocumentType = "Command",
        DocumentFormat = "JSON",
        UpdateMethod = "NewVersion",
        Content = content,
    });
}
