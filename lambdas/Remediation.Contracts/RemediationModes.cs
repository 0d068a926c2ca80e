namespace Remediation.Contracts;

/// <summary>Whether plans are carried out or only reported.</summary>
public enum RemediationMode
{
    Remediate,
    Observe,
}

/// <summary>The text of a <see cref="RemediationMode"/> in the environment and in cdk.json.</summary>
public static class RemediationModes
{
    public const string Remediate = "remediate";

    public const string Observe = "observe";

    public static string Text(RemediationMode mode) => mode == RemediationMode.Observe ? Observe : Remediate;

    /// <summary>The mode for <paramref name="text"/>; null (unset) is remediate; anything else is null.</summary>
    public static RemediationMode? Parse(string? text) => text switch
    {
        null or Remediate => RemediationMode.Remediate,
        Observe => RemediationMode.Observe,
        _ => null,
    };
}
