namespace Remediation.Contracts;

/// <summary>
/// hostscripts/resolv-fix.sh's exit codes (its EXIT_* constants): Run Command reports them, the CLI's fleet
/// commands read them, and the resolv-fix document lists them.
/// </summary>
public static class ResolvFixExitCodes
{
    /// <summary>Healthy, or fixed, or rolled back.</summary>
    public const int Ok = 0;

    /// <summary>check: the first three nameservers are all loopback.</summary>
    public const int AtRisk = 1;

    /// <summary>Bad parameters; nothing changed.</summary>
    public const int Usage = 2;

    /// <summary>--verify-host does not resolve through the VPC resolver: not the local resolver; nothing changed.</summary>
    public const int VerifyHostUnresolved = 3;

    /// <summary>The environment refused: a file that cannot be read or written, the lock, no root; nothing changed.</summary>
    public const int Environment = 4;
}

/// <summary>
/// hostscripts/efs-evidence.sh's answer: exit 0 whenever it printed a verdict (its first output line,
/// <see cref="LinePrefix"/> and a word), 2 for bad usage. The runbook branches on the verdict.
/// </summary>
public static class EfsEvidenceVerdicts
{
    public const string LinePrefix = "verdict=";

    /// <summary>resolv.conf is at risk and the EFS name resolves through the VPC resolver: the host fix helps.</summary>
    public const string FixHost = "fix-host";

    /// <summary>resolv.conf is healthy: the mount failed for another reason.</summary>
    public const string Healthy = "healthy";

    /// <summary>At risk, but the EFS name does not resolve through the VPC resolver either: not the local resolver.</summary>
    public const string NotDns = "not-dns";

    /// <summary>No EFS name to test, or the test could not run.</summary>
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<string> All = [FixHost, Healthy, NotDns, Unknown];

    public const int ExitVerdict = 0;

    public const int ExitUsage = 2;
}
