using Amazon.CDK.AWS.SSM;
using Constructs;
using Infra.Configuration;
using Remediation.Contracts;

namespace Infra.Constructs;

/// <summary>
/// The proactive State Manager association: on a schedule, and whenever a tagged container instance comes online,
/// it runs resolv-fix (check or fix) across the clusters, a tenth of the fleet at a time, and reports compliance.
/// </summary>
public sealed class ProactiveAssociation : Construct
{
    public CfnAssociation Association { get; }

    public ProactiveAssociation(Construct scope, string id, ProactiveAssociationProps props) : base(scope, id)
    {
        var fix = props.Action == ProactiveAction.Fix;
        Association = new CfnAssociation(this, "Association", new CfnAssociationProps
        {
            AssociationName = $"{props.NamePrefix}-resolv-{(fix ? ResolvFixParameterNames.Fix : ResolvFixParameterNames.Check)}",
            // The document's Ref (its name) rather than the literal: CloudFormation then creates the document
            // first, where a literal name could race it and fail with InvalidDocument.
            Name = props.ResolvFix.Ref,
            Parameters = new Dictionary<string, object>
            {
                [ResolvFixParameterNames.Action] = new[] { fix ? ResolvFixParameterNames.Fix : ResolvFixParameterNames.Check },
                [ResolvFixParameterNames.Resolver] = new[] { props.VpcResolver },
            },
            Targets = new object[]
            {
                props.Clusters.Count > 0
                    ? new CfnAssociation.TargetProperty { Key = "tag:" + InstanceTags.Cluster, Values = props.Clusters.ToArray() }
                    : new CfnAssociation.TargetProperty { Key = "tag-key", Values = [InstanceTags.Cluster] },
            },
            ScheduleExpression = props.Schedule,
            // false: the association also runs when it is created and when a new instance with the tag comes online.
            ApplyOnlyAtCronInterval = false,
            ComplianceSeverity = "HIGH",
            SyncCompliance = "AUTO",
            // At most a tenth of the fleet at once, so a bad script never reaches every instance together.
            MaxConcurrency = "10%",
            // check is read-only and an at-risk instance is a failed run: stopping early would hide the rest of
            // the fleet. fix changes hosts: stop at the first few failures.
            MaxErrors = fix ? "5%" : "100%",
        });
    }
}
