using P = Remediation.Contracts.EfsEvidenceParameterNames;

namespace Infra.Documents;

/// <summary>
/// The EFS evidence Command document: runs hostscripts/efs-evidence.sh, with hostscripts/resolv-fix.sh and their
/// library next to it (all embedded verbatim), on the container instance. Read-only. It exits 0 whenever it printed a verdict, so
/// that the runbook branches on the output of a step that succeeded: the first output line is the verdict.
/// </summary>
public static class EfsEvidenceDocument
{
    /// <summary>One element of the FileSystemIds list: SSM checks each element of a StringList against it.</summary>
    public const string FileSystemId = "^fs-[0-9a-f]{8,17}$";

    public const string RegionOrEmpty = "^([a-z]{2}(-[a-z]+)+-[0-9])?$";

    /// <summary>The document content (schemaVersion 2.2) as CloudFormation takes it.</summary>
    public static Dictionary<string, object> Content(HostScript evidence, HostScript resolvFix, string defaultResolver)
    {
        var run = new List<string>
        {
            "#!/bin/bash",
            $"# Written by the ecs-dns-remediation CDK app from hostscripts/{evidence.FileName}, hostscripts/{resolvFix.FileName} and the library they source; edit those files, not this document.",
        };
        // One directory, so the library is written once (SSM refuses a document over 64 KB). resolv-fix.sh goes
        // compressed: as text the content came within 4 KB of that limit as CloudFormation sends it, and its readable
        // copy is the ResolvFix document; the evidence script this document runs stays readable here.
        run.AddRange(HostScript.WriteToTempDirectoryCommands([resolvFix with { Compressed = true }, evidence]));
        // SSM Agent writes a StringList inside a command line as its JSON, ["fs-1","fs-2"] (amazon-ssm-agent,
        // agent/parameters/parameters.go, ReplaceParameters), after checking each element against allowedPattern
        // (agent/framework/docparser/paramvalidator/allowedregexparamvalidator): no quote can reach the shell.
        run.Add($"bash \"{evidence.TempPath}\" --resolv-fix \"{resolvFix.TempPath}\" --resolver \"{{{{{P.Resolver}}}}}\" --verify-host \"{{{{{P.VerifyHost}}}}}\" --file-system-id '{{{{{P.FileSystemIds}}}}}' --region \"{{{{{P.Region}}}}}\"");
        run.Add("exit $?");

        static Dictionary<string, object> Parameter(string description, string pattern, object @default, string type = "String") => new()
        {
            ["type"] = type,
            ["description"] = description,
            ["allowedPattern"] = pattern,
            ["default"] = @default,
        };

        return new Dictionary<string, object>
        {
            ["schemaVersion"] = "2.2",
            ["description"] = "Read-only: gathers the evidence that decides whether a failed EFS mount of an awsvpc task is the local resolver's doing (hostscripts/efs-evidence.sh): resolv-fix.sh check, each EFS name through the VPC resolver, the logs of efs-utils and of the ECS volume plugin. "
                + $"The first output line is {EfsEvidenceVerdicts.LinePrefix}{string.Join(", ", EfsEvidenceVerdicts.All)}. "
                + $"Exit codes: {EfsEvidenceVerdicts.ExitVerdict} a verdict was printed, {EfsEvidenceVerdicts.ExitUsage} bad usage.",
            ["parameters"] = new Dictionary<string, object>
            {
                [P.Resolver] = Parameter("The VPC resolver, an IPv4 or IPv6 literal.", Patterns.IpLiteral, defaultResolver),
                [P.VerifyHost] = Parameter("An EFS name to test (the one the task's reason named), or empty.", Patterns.DnsNameOrEmpty, ""),
                [P.FileSystemIds] = Parameter("The EFS file systems (fs-...) of the task's volumes: each one's name is tested.", FileSystemId, Array.Empty<string>(), "StringList"),
                [P.Region] = Parameter("The file systems' Region, used with FileSystemIds.", RegionOrEmpty, ""),
            },
            ["mainSteps"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["action"] = "aws:runShellScript",
                    ["name"] = "EfsEvidence",
                    ["inputs"] = new Dictionary<string, object>
                    {
                        ["timeoutSeconds"] = "120",
                        ["runCommand"] = run.ToArray(),
                    },
                },
            },
        };
    }
}
