namespace Remediator.Diagnosing;

/// <summary>What the Remediator recognised in a stopped task's reasons.</summary>
/// <param name="Kind">Whether the ECS volume plugin (or efs-utils) failed to mount a volume: a candidate.</param>
/// <param name="Form">Which wording the failure came in; the README's table of forms lists them.</param>
/// <param name="Host">The server name, only when complete in the text and a valid DNS name.</param>
/// <param name="FileSystemId">The EFS file system id, when the text names one (in the host, or in a tunnel message).</param>
/// <param name="OtherDnsFailure">A DNS failure outside the EFS mount (an image pull, say): not ours.</param>
/// <param name="ServerAnswered">An EFS mount failure whose wording proves the server answered (access denied,
/// permissions): the name resolved, so the local resolver is not the cause.</param>
/// <remarks>
/// A candidate is not a verdict: since efs-utils 2.0 most forms do not say that a lookup failed. The runbook
/// gathers evidence on the container instance before it changes anything.
/// </remarks>
public sealed record Diagnosis(
    DiagnosisKind Kind,
    SignatureForm Form,
    string? Host,
    string? FileSystemId,
    bool OtherDnsFailure = false,
    bool ServerAnswered = false)
{
    public static readonly Diagnosis None = new(DiagnosisKind.None, SignatureForm.None, null, null);

    public bool IsCandidate => Kind == DiagnosisKind.EfsMountFailure;
}

public enum DiagnosisKind
{
    None,
    EfsMountFailure,
}

public enum SignatureForm
{
    None,

    /// <summary>mount.nfs4 could not resolve the EFS name and says so: "Failed to resolve server NAME: ..." (efs-utils before 2.0, or
    /// 2.x in legacy stunnel mode without TLS; any getaddrinfo error but EAI_AGAIN since nfs-utils 1.3.4).</summary>
    MountResolve,

    /// <summary>mount.nfs4 gave up on a temporary failure after its retry time: "Resource temporarily unavailable", no name
    /// (nfs-utils 1.3.4 and later on EAI_AGAIN, which is what glibc answers when nothing listens on the local resolver).</summary>
    MountTemporaryFailure,

    /// <summary>Docker abandoned its call to the ECS volume plugin after 2 minutes: "context deadline exceeded", no mount words.</summary>
    PluginTimeout,

    /// <summary>mount.nfs4 failed on 127.0.0.1 (connection reset, timed out, refused): efs-proxy (efs-utils 2.x) could not reach the EFS name.</summary>
    ProxyConnection,

    /// <summary>The TLS tunnel (stunnel) or efs-proxy died before the mount: "Failed to initialize [TLS ]tunnel for fs-...".</summary>
    Tunnel,

    /// <summary>efs-utils' own check, in the namespace mount.efs runs in: 'Failed to resolve "name"' (Fargate; EC2 in the host namespace).</summary>
    EfsUtilsResolve,

    /// <summary>Any other failure of the ECS volume plugin's mount: mount's exit status alone, efs-utils' retry lines, a reason cut at 1024 bytes.</summary>
    EfsMount,
}
