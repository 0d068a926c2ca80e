using System.Text.Json.Nodes;
using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

public sealed class LocalEcsTests
{
    const string RunTask = """
        {
          "cluster": "arn:aws:ecs:us-east-1:111122223333:cluster/lab", "taskDefinition": "app:7", "count": 1,
          "group": "family:app", "startedBy": "ecs-dns-remediation/attempt-1",
          "capacityProviderStrategy": [ { "capacityProvider": "dns-safe-capacity", "weight": 1 } ],
          "networkConfiguration": { "awsvpcConfiguration": { "subnets": [ "subnet-0123456789abcdef0" ], "securityGroups": [], "assignPublicIp": "DISABLED" } },
          "placementConstraints": [ { "type": "memberOf", "expression": "attribute:dns.local-resolver == none" } ]
        }
        """;

    [Fact]
    public async Task RunTask_MemberOfTheSafeAttribute_IsPlacedOnTheSafeInstance()
    {
        var launcher = new FakeLauncher();
        var plane = Build.Plane(Build.Catalog(), new FakeShell(), launcher);

        var response = await plane.Ecs.InvokeAsync("RunTask", (JsonObject)JsonNode.Parse(RunTask)!, CancellationToken.None);

        Assert.Empty((JsonArray)response["failures"]!);
        Assert.Equal(Build.SafeInstance, response["tasks"]![0]!["containerInstanceArn"]!.GetValue<string>());
        Assert.Equal(Build.TaskDefinition, launcher.Launches.Single().TaskDefinitionArn);
        Assert.Equal("RUNNING", plane.Ecs.Tasks.Single().LastStatus);
    }

    [Fact]
    public async Task RunTask_NoInstanceHasTheAttribute_AnswersAnAttributeFailureAndStartsNothing()
    {
        var launcher = new FakeLauncher();
        var plane = Build.Plane(Build.Catalog(), new FakeShell(), launcher);
        var request = (JsonObject)JsonNode.Parse(RunTask.Replace("== none", "== absent"))!;

        var response = await plane.Ecs.InvokeAsync("RunTask", request, CancellationToken.None);

        Assert.Equal("ATTRIBUTE", response["failures"]![0]!["reason"]!.GetValue<string>());
        Assert.Empty(launcher.Launches);
    }

    [Fact]
    public async Task RunTask_CapacityProviderNotOfTheCluster_IsInvalidParameter()
    {
        var plane = Build.Plane(Build.Catalog(), new FakeShell(), new FakeLauncher(), capacityProviders: ["default"]);

        var error = await Assert.ThrowsAsync<ControlPlaneError>(() => plane.Ecs.InvokeAsync("RunTask", (JsonObject)JsonNode.Parse(RunTask)!, CancellationToken.None));

        Assert.Equal("InvalidParameterException", error.Code);
    }

    [Fact]
    public async Task RunTask_UnknownTaskDefinition_IsClientException()
    {
        var plane = Build.Plane(Build.Catalog(), new FakeShell(), new FakeLauncher());
        var request = (JsonObject)JsonNode.Parse(RunTask.Replace("app:7", "other:1"))!;

        var error = await Assert.ThrowsAsync<ControlPlaneError>(() => plane.Ecs.InvokeAsync("RunTask", request, CancellationToken.None));

        Assert.Equal("ClientException", error.Code);
    }

    [Fact]
    public async Task DescribeContainerInstances_UnknownArn_IsReportedMissing()
    {
        var plane = Build.Plane(Build.Catalog(), new FakeShell(), new FakeLauncher());
        var request = new JsonObject { ["cluster"] = "lab", ["containerInstances"] = new JsonArray(Build.Instance, "nope") };

        var response = await plane.Ecs.InvokeAsync("DescribeContainerInstances", request, CancellationToken.None);

        Assert.Equal("i-0aaaaaaaaaaaaaaa1", response["containerInstances"]![0]!["ec2InstanceId"]!.GetValue<string>());
        Assert.Equal("MISSING", response["failures"]![0]!["reason"]!.GetValue<string>());
    }
}
