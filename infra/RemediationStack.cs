using Amazon.CDK;
using Constructs;

namespace Infra;

/// <summary>The remediation stack: the EventBridge rule, the Remediator function and the SSM documents.</summary>
public sealed class RemediationStack : Stack
{
    public RemediationStack(Construct scope, string id, IStackProps? props = null) : base(scope, id, props)
    {
    }
}
