using P = Remediation.Contracts.ResolvFixParameterNames;

namespace Infra.Documents;

/// <summary>The resolv-fix Command document: runs hostscripts/resolv-fix.sh and its library, embedded verbatim, on the container instance.</summary>
public static class ResolvFixDocument
{
    /// <summary>The document content (schemaVersion 2.2) as CloudFormation takes it.</summary>
    public static Dictionary<string, object> Content(HostScript script, string defaultResolver)
    {
        var run = new List<string>
        {
            "#!/bin/bash",
            $"# Written by the ecs-dns-remediation CDK app from hostscripts/{script.FileName} and the library it sources; edit those files, not this document.",
        };
        run.AddRange(HostScript.WriteToTempDirectoryCommands([script]));
        run.AddRange(
        [
            $"args=(\"{{{{{P.Action}}}}}\" --resolver \"{{{{{P.Resolver}}}}}\")",
            $"if [[ -n \"{{{{{P.VerifyHost}}}}}\" ]]; then args+=(--verify-host \"{{{{{P.VerifyHost}}}}}\"); fi",
            $"if [[ \"{{{{{P.DryRun}}}}}\" == {YesNo.Yes} ]]; then args+=(--dry-run); fi",
            // The script's exit code is what Run Command reports and what the runbook branches on.
            $"bash \"{script.TempPath}\" \"${{args[@]}}\" --json",
            "exit $?",
        ]);

        return new Dictionary<string, object>
        {
            ["schemaVersion"] = "2.2",
            ["description"] = "Checks, fixes or rolls back resolv.conf on an ECS container instance so that EFS mounts of awsvpc tasks resolve through the VPC resolver (hostscripts/resolv-fix.sh). "
                + $"Exit codes: {ResolvFixExitCodes.Ok} ok, {ResolvFixExitCodes.AtRisk} at risk, {ResolvFixExitCodes.Usage} bad usage, "
                + $"{ResolvFixExitCodes.VerifyHostUnresolved} verify host does not resolve through the VPC resolver, {ResolvFixExitCodes.Environment} environment error.",
            ["parameters"] = new Dictionary<string, object>
            {
                [P.Action] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = $"{P.Check} (report only), {P.Fix}, or {P.Rollback} (restore the backup).",
                    ["allowedPattern"] = $"^({P.Check}|{P.Fix}|{P.Rollback})$",
                    ["default"] = P.Check,
                },
                [P.Resolver] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "The VPC resolver, an IPv4 or IPv6 literal.",
                    ["allowedPattern"] = Patterns.IpLiteral,
                    ["default"] = defaultResolver,
                },
                [P.VerifyHost] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "A DNS name (the EFS name) that must resolve through the VPC resolver before anything changes; empty to skip.",
                    ["allowedPattern"] = Patterns.DnsNameOrEmpty,
                    ["default"] = "",
                },
                [P.DryRun] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "yes: show the change, change nothing.",
                    ["allowedPattern"] = Patterns.YesNo,
                    ["default"] = YesNo.No,
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
