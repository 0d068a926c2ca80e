using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

public sealed class AutomationExecutorTests
{
    const string Command = """
        {
          "schemaVersion": "2.2",
          "parameters": { "Word": { "type": "String", "allowedPattern": "^[a-z]*$", "default": "" } },
          "mainSteps": [ { "action": "aws:runShellScript", "name": "Run", "inputs": { "runCommand": [ "echo '{{ Word }}'" ] } } ]
        }
        """;

    /// <summary>Look up the instance, run a command on it, branch on the exit code; 3 → notify; else → fail.</summary>
    const string Runbook = """
        {
          "schemaVersion": "0.3",
          "parameters": {
            "Instance": { "type": "String" },
            "Word": { "type": "String", "default": "fix" },
            "Mode": { "type": "String", "allowedValues": [ "strict", "lenient" ], "default": "strict" }
          },
          "outputs": [ "Describe.InstanceId", "Run.ResponseCode" ],
          "mainSteps": [
            { "name": "Describe", "action": "aws:executeAwsApi", "nextStep": "Run",
              "inputs": { "Service": "ecs", "Api": "DescribeContainerInstances", "cluster": "lab", "containerInstances": [ "{{Instance}}" ] },
              "outputs": [ { "Name": "InstanceId", "Selector": "$.containerInstances[0].ec2InstanceId", "Type": "String" } ] },
            { "name": "Run", "action": "aws:runCommand", "onFailure": "Continue", "isCritical": false, "nextStep": "Branch",
              "inputs": { "DocumentName": "Cmd", "InstanceIds": [ "{{Describe.InstanceId}}" ], "Parameters": { "Word": "{{Word}}" } } },
            { "name": "Branch", "action": "aws:branch",
              "inputs": { "Choices": [
                { "NextStep": "Done", "Variable": "{{Run.ResponseCode}}", "NumericEquals": 0 },
                { "NextStep": "Notify", "And": [
                    { "Variable": "{{Run.ResponseCode}}", "NumericEquals": 3 },
                    { "Not": { "Variable": "{{Mode}}", "StringEquals": "lenient" } } ] },
                { "NextStep": "Done", "Or": [ { "Variable": "{{Mode}}", "StringEquals": "lenient" }, { "Variable": "{{Word}}", "StringEquals": "never" } ] }
              ], "Default": "Fail" } },
            { "name": "Notify", "action": "aws:executeAwsApi", "isEnd": true,
              "inputs": { "Service": "sns", "Api": "Publish", "TopicArn": "arn:aws:sns:us-east-1:111122223333:alerts", "Message": "{{Describe.InstanceId}} answered {{Run.ResponseCode}}" } },
            { "name": "Fail", "action": "aws:executeAwsApi", "onFailure": "step:Done",
              "inputs": { "Service": "ecs", "Api": "DescribeContainerInstances", "cluster": "no-such-cluster", "containerInstances": [ "x" ] } },
            { "name": "Done", "action": "aws:sleep", "isEnd": true, "inputs": { "Duration": "PT0S" } }
          ]
        }
        """;

    [Fact]
    public async Task RunAsync_CommandSucceeds_BranchesToDoneAndSucceeds()
    {
        var (plane, shell, _) = Setup();

        var execution = await plane.Executor.RunAsync("Book", Build.Parameters(("Instance", Build.Instance)));

        Assert.Equal("Success", execution.Status);
        Assert.Equal(["Describe:Success", "Run:Success", "Branch:Success", "Done:Success"], execution.Steps.Select(s => $"{s.StepName}:{s.Status}"));
        Assert.Equal(["Book", "Cmd"], execution.DocumentsRun);
        Assert.Equal("i-0aaaaaaaaaaaaaaa1", shell.Runs.Single().InstanceId);
        Assert.Equal("echo 'fix'\n", shell.Runs.Single().Script);
        Assert.Equal("i-0aaaaaaaaaaaaaaa1", execution.Outputs["Describe.InstanceId"].GetValue<string>());
        Assert.Empty(plane.Sns.Notifications);
    }

    [Fact]
    public async Task RunAsync_NonCriticalStepFailsWithContinue_BranchesOnItsResponseCodeAndStillSucceeds()
    {
        var (plane, _, _) = Setup(exitCode: 3);

        var execution = await plane.Executor.RunAsync("Book", Build.Parameters(("Instance", Build.Instance)));

        Assert.Equal("Success", execution.Status);
        Assert.Equal(["Describe:Success", "Run:Failed", "Branch:Success", "Notify:Success"], execution.Steps.Select(s => $"{s.StepName}:{s.Status}"));
        Assert.Equal("i-0aaaaaaaaaaaaaaa1 answered 3", plane.Sns.Notifications.Single().Message);
    }

    [Fact]
    public async Task RunAsync_OrChoiceHolds_TakesIt()
    {
        var (plane, _, _) = Setup(exitCode: 3);

        var execution = await plane.Executor.RunAsync("Book", Build.Parameters(("Instance", Build.Instance), ("Mode", "lenient")));

        Assert.Equal("Done", execution.Steps.Last().StepName);
        Assert.Empty(plane.Sns.Notifications);
    }

    [Fact]
    public async Task RunAsync_CriticalStepFailsWithOnFailureStep_JumpsThereAndEndsFailed()
    {
        var (plane, _, _) = Setup(exitCode: 4);

        var execution = await plane.Executor.RunAsync("Book", Build.Parameters(("Instance", Build.Instance)));

        Assert.Equal("Failed", execution.Status);
        Assert.Equal(["Describe:Success", "Run:Failed", "Branch:Success", "Fail:Failed", "Done:Success"], execution.Steps.Select(s => $"{s.StepName}:{s.Status}"));
        Assert.Contains("ClusterNotFoundException", execution.Steps[3].FailureMessage);
    }

    [Fact]
    public async Task RunAsync_AbortingStepFails_StopsThereFailed()
    {
        var (plane, shell, _) = Setup();

        var execution = await plane.Executor.RunAsync("Book", Build.Parameters(("Instance", Build.Instance + "0")));

        Assert.Equal("Failed", execution.Status);
        Assert.Equal("Describe", execution.Steps.Single().StepName);
        Assert.Contains("matched nothing", execution.FailureMessage);
        Assert.Empty(shell.Runs);
    }

    [Fact]
    public async Task RunAsync_CommandParameterBreaksItsPattern_FailsTheStepWithInvalidParametersAndRunsNothing()
    {
        var (plane, shell, _) = Setup();

        var execution = await plane.Executor.RunAsync("Book", Build.Parameters(("Instance", Build.Instance), ("Word", "x'; reboot; '")));

        Assert.Contains("InvalidParameters", execution.Steps[1].FailureMessage);
        Assert.Empty(shell.Runs);
    }

    [Fact]
    public void Prepare_BadParameter_IsRejectedBeforeAnythingRuns()
    {
        var (plane, _, _) = Setup();

        var error = Assert.Throws<ControlPlaneError>(() => plane.Executor.Prepare("Book", Build.Parameters(("Instance", Build.Instance), ("Mode", "reckless"))));

        Assert.Equal("InvalidAutomationExecutionParametersException", error.Code);
    }

    [Fact]
    public void Prepare_UnknownStepType_IsRejectedNotSkipped()
    {
        var book = Build.Document("Odd", "Automation", """
            { "schemaVersion": "0.3", "mainSteps": [
              { "name": "A", "action": "aws:sleep", "inputs": { "Duration": "PT0S" } },
              { "name": "B", "action": "aws:approve", "inputs": {} } ] }
            """);
        var plane = Build.Plane(Build.Catalog(book), new FakeShell(), new FakeLauncher());

        var error = Assert.Throws<ControlPlaneError>(() => plane.Executor.Prepare("Odd", Build.Parameters()));

        Assert.Contains("aws:approve", error.Message);
    }

    [Fact]
    public void Prepare_NextStepNamesNoStep_IsRejected()
    {
        var book = Build.Document("Broken", "Automation", """
            { "schemaVersion": "0.3", "mainSteps": [ { "name": "A", "action": "aws:sleep", "nextStep": "Nowhere", "inputs": { "Duration": "PT0S" } } ] }
            """);
        var plane = Build.Plane(Build.Catalog(book), new FakeShell(), new FakeLauncher());

        Assert.Throws<ControlPlaneError>(() => plane.Executor.Prepare("Broken", Build.Parameters()));
    }

    [Fact]
    public void Prepare_UnknownDocument_IsAutomationDefinitionNotFound()
    {
        var (plane, _, _) = Setup();

        var error = Assert.Throws<ControlPlaneError>(() => plane.Executor.Prepare("Cmd", Build.Parameters()));

        Assert.Equal("AutomationDefinitionNotFoundException", error.Code);
    }

    [Fact]
    public async Task RunAsync_MaxAttempts_RetriesAFailingStep()
    {
        var book = Build.Document("Retry", "Automation", """
            { "schemaVersion": "0.3", "mainSteps": [
              { "name": "Run", "action": "aws:runCommand", "maxAttempts": 2, "inputs": { "DocumentName": "Cmd", "InstanceIds": [ "i-0aaaaaaaaaaaaaaa1" ] } } ] }
            """);
        var shell = new FakeShell().Answer(1).Answer(0);
        var plane = Build.Plane(Build.Catalog(book, Build.Document("Cmd", "Command", Command)), shell, new FakeLauncher());

        var execution = await plane.Executor.RunAsync("Retry", Build.Parameters());

        Assert.Equal("Success", execution.Status);
        Assert.Equal(2, shell.Runs.Count);
    }

    [Fact]
    public async Task RunAsync_InstanceShellBreaks_FailsTheStepWithAnInternalFailure()
    {
        var catalog = Build.Catalog(Build.Document("Book", "Automation", Runbook), Build.Document("Cmd", "Command", Command));
        var plane = ControlPlane.Create(catalog, l => new Ecs.LocalEcs(Build.Cluster,
            [new Ecs.ContainerInstance { Arn = Build.Instance, ClusterArn = Build.Cluster, Ec2InstanceId = "i-0aaaaaaaaaaaaaaa1" }],
            [Build.TaskDefinition], [], l), new FakeLauncher(), new BrokenShell());

        var execution = await plane.Executor.RunAsync("Book", Build.Parameters(("Instance", Build.Instance)));

        Assert.Equal("Failed", execution.Status);
        Assert.Equal(["Describe:Success", "Run:Failed", "Branch:Failed"], execution.Steps.Select(s => $"{s.StepName}:{s.Status}"));
        Assert.Equal("InternalFailure: the lab is gone", execution.Steps[1].FailureMessage);
    }

    sealed class BrokenShell : Actions.IInstanceShell
    {
        public Task<Actions.ShellResult> RunScriptAsync(string instanceId, string scriptPath, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the lab is gone");
    }

    static (ControlPlane Plane, FakeShell Shell, FakeLauncher Launcher) Setup(int exitCode = 0)
    {
        var shell = new FakeShell().Answer(exitCode);
        var launcher = new FakeLauncher();
        var catalog = Build.Catalog(Build.Document("Book", "Automation", Runbook), Build.Document("Cmd", "Command", Command));
        return (Build.Plane(catalog, shell, launcher), shell, launcher);
    }
}
