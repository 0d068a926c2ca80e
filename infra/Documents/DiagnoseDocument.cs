namespace Infra.Documents;

/// <summary>The diagnose Command document: runs hostscripts/diagnose-task-netns.sh (read-only) and its library, embedded verbatim.</summary>
public static class DiagnoseDocument
{
    public static Dictionary<string, object> Content(HostScript script)
    {
        var run = new List<string>
        {
            "#!/bin/bash",
            $"# Written by the ecs-dns-remediation CDK app from hostscripts/{script.FileName} and the library it sources; edit those files, not this document.",
        };
        // diagnose-task-netns.sh passes Go templates ("{{.ID}}") to docker: written base64-encoded then.
        run.AddRange(HostScript.WriteToTempDirectoryCommands([script], encodeBraces: true));
        run.AddRange(
        [
            "args=()",
            "if [[ -n \"{{Name}}\" ]]; then args+=(--name \"{{Name}}\"); fi",
            $"if [[ \"{{{{Json}}}}\" == {YesNo.Yes} ]]; then args+=(--json); fi",
            $"bash \"{script.TempPath}\" \"${{args[@]}}\"",
            "exit $?",
        ]);

        return new Dictionary<string, object>
        {
            ["schemaVersion"] = "2.2",
            ["description"] = "Read-only: enters the network namespace of each running awsvpc task on the container instance and resolves the EFS names it mounts, or the given name (hostscripts/diagnose-task-netns.sh).",
            ["parameters"] = new Dictionary<string, object>
            {
                ["Name"] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "A DNS name to resolve in every task network namespace; empty for the EFS names the tasks mount.",
                    ["allowedPattern"] = Patterns.DnsNameOrEmpty,
                    ["default"] = "",
                },
                ["Json"] = new Dictionary<string, object>
                {
                    ["type"] = "String",
                    ["description"] = "yes: JSON output instead of a table.",
                    ["allowedPattern"] = Patterns.YesNo,
                    ["default"] = YesNo.No,
                },
            },
            ["mainSteps"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["action"] = "aws:runShellScript",
                    ["name"] = "DiagnoseTaskNetns",
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
