namespace Infra.Documents;

/// <summary>The resolv-fix Command document: runs hostscripts/resolv-fix.sh, embedded verbatim, on the container instance.</summary>
public static class ResolvFixDocument
{
    /// <summary>The document content (schemaVersion 2.2) as CloudFormation takes it.</summary>
    public static Dictionary<string, object> Content(HostScript script, string defaultResolver)
    {
        var run = new List<string>
        {
            "#!/bin/bash",
            "# Written by the ecs-dns-remediation CDK app from hostscripts/" + script.FileName + "; edit that file, not this document.",
        };
        run.AddRange(script.WriteToTempFileLines());
        run.AddRange(
        [
            "args=(\"{{Action}}\" --resolver \"{{Resolver}}\")",
            "if [[ -n \"{{VerifyHost}}\" ]]; then args+=(--verify-host \"{{VerifyHost}}\"); fi",
            "if [[ \"{{DryRun}}\" == yes ]]; then args+=(--dry-run); fi",
            // The script's exit code is what Run Command reports and what the runbook branches on.
            "bash \"${script}\" \"${args[@]}\" --json",
            "exit $?",
        ]);

        return new Dictionary<string, object>
        {
            ["schemaVersion"] = "2.2",
            ["description"] = "Checks, fixes or rolls back resolv.conf on an ECS container instance so that EFS mounts of awsvpc tasks resolve through the VPC resolver (hostscripts/resolv-fix.sh). Exit codes: 0 ok, 1 at risk, 2 bad usage, 3 verify host does not resolve through the VPC resolver, 4 environment error.",
            ["parameters"] = new Dictionary<string, object>
            {
                ["Action"] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "check (report only), fix, or rollback (restore the backup).",
                    ["allowedPattern"] = "^(check|fix|rollback)$",
                    ["default"] = "check",
                },
                ["Resolver"] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "The VPC resolver, an IPv4 or IPv6 literal.",
                    ["allowedPattern"] = Patterns.IpLiteral,
                    ["default"] = defaultResolver,
                },
                ["VerifyHost"] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "A DNS name (the EFS name) that must resolve through the VPC resolver before anything changes; empty to skip.",
                    ["allowedPattern"] = Patterns.DnsNameOrEmpty,
                    ["default"] = "",
                },
                ["DryRun"] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "yes: show the change, change nothing.",
                    ["allowedPattern"] = Patterns.YesNo,
                    ["default"] = "no",
                },
            },
            ["mainSteps"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["action"] = "aws:runShellScript",
                    ["name"] = "ResolvFix",
                    ["inputs"] = new Dictionary<string, object>
                    {
                        ["timeoutSeconds"] = "300",
                        ["runCommand"] = run.ToArray(),
                    },
                },
            },
        };
    }
}
