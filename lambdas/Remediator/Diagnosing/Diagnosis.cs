namespace Remediator.Diagnosing;

/// <summary>What the Remediator recognised in a stopped task's reasons.</summary>
/// <param name="Kind">Whether the EFS mount failed to resolve its server.</param>
/// <param name="Form">Which component reported it: the volume plugin's mount.nfs4, or efs-utils.</param>
/// <param name="Host">The server name, only when complete in the text and a valid DNS name.</param>
/// <param name="FileSystemId">The EFS file system id, only when <paramref name="Host"/> is an EFS name.</param>
/// <param name="OtherDnsFailure">A DNS failure outside the EFS mount (an image pull, say): not ours.</param>
public sealed record Diagnosis(
    DiagnosisKind Kind,
    SignatureForm Form,
    string? Host,
    string? FileSystemId,
    bool OtherDnsFailure = false)
{
    public static readonly Diagnosis None = new(DiagnosisKind.None, SignatureForm.None, null, null);

    public bool IsDnsResolutionFailure => Kind == DiagnosisKind.DnsResolutionFailure;
}

public enum DiagnosisKind
{
    None,
    DnsResolutionFailure,
}

public enum SignatureForm
{
    None,

    /// <summary>EC2: the ECS volume plugin's mount.nfs4 ran in the task network namespace and could not resolve.</summary>
    VolumePlugin,

    /// <summary>efs-utils' own check (Fargate, or EC2 before mount.nfs4): the name did not resolve where efs-utils ran.</summary>
    EfsUtils,
}
