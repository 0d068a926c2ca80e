namespace Remediator.Cli;

/// <summary>The CLI's exit codes, the same for every command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked (for plan: any decision on a well-formed event).</summary>
    public const int Ok = 0;

    /// <summary>Something was found at risk, failed or did not answer (fleet).</summary>
    public const int AtRisk = 1;

    /// <summary>Bad usage, an unreadable file, malformed JSON or an invalid setting: nothing was done.</summary>
    public const int Usage = 2;
}
