namespace Infra.Configuration;

/// <summary>Who creates the StackSet: the management account itself, or a delegated administrator of StackSets.</summary>
public enum StackSetCaller
{
    DelegatedAdmin,
    Self,
}

/// <summary>
/// Organization scale: the deploying account becomes the hub, and a service-managed StackSet rolls
/// the member part out to every account of <see cref="Targets"/> in <see cref="Regions"/>.
/// </summary>
public sealed record OrganizationConfig
{
    /// <summary>The organization whose principals may put events on the hub bus (o-...).</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Organizational units (ou-...) or the root (r-...) the StackSet deploys to, with their accounts.</summary>
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>Regions the StackSet deploys the member part to.</summary>
    public required IReadOnlyList<string> Regions { get; init; }

    /// <summary>Per-account mode and reschedule; accounts not listed get the hub's own settings.</summary>
    public IReadOnlyList<AccountSettingItem> AccountSettings { get; init; } = [];

    public StackSetCaller CallAs { get; init; } = StackSetCaller.DelegatedAdmin;

    /// <summary>Hub roles of operators that may assume the member access roles too (remediator fleet --account).</summary>
    public IReadOnlyList<string> OperatorRoleArns { get; init; } = [];
}

