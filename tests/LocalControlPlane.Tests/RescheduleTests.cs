using Remediation.Contracts;
using LocalControlPlane.Ecs;
using LocalControlPlane.Tests.Support;

namespace LocalControlPlane.Tests;

/// <summary>Where the synthesized runbook's reschedule puts a task, run by the local control plane.</summary>
public sealed class RescheduleTests(SynthesizedAssembly synthesized) : IClassFixture<SynthesizedAssembly>
{
    string RunbookName => synthesized.Catalog.Functions.Single(f => f.Environment.ContainsKey("REMEDIATOR_RUNBOOK_NAME")).Environment["REMEDIATOR_RUNBOOK_NAME"];

    string SafeCapacityProvider => synthesized.Catalog.Get(RunbookName, "Automation").Parameters
        .Single(p => p.Name == "CapacityProvider").Default!.GetValue<string>();

    /// <summary>A lab cluster whose only instance in the safe capacity provider has the given attributes.</summary>
    ControlPlane Plane(FakeLauncher launcher, Dictionary<string, string> safeAttributes) =>
        ControlPlane.Create(synthesized.Catalog, l => new LocalEcs(Build.Cluster,
            [
                new ContainerInstance { Arn = Build.Instance, ClusterArn = Build.Cluster, Ec2InstanceId = "i-0aaaaaaaaaaaaaaa1", CapacityProvider = "default" },
                new ContainerInstance
                {
                    Arn = Build.SafeInstance, ClusterArn = Build.Cluster, Ec2InstanceId = "i-0bbbbbbbbbbbbbbb2",
                    CapacityProvider = SafeCapacityProvider, Attributes = safeAttributes,
                },
            ],
            [Build.TaskDefinition], ["default", SafeCapacityProvider], l,
            new Dictionary<string, string> { [Build.TaskDefinition] = Build.FileSystemId }), launcher, new FakeShell());

    static IReadOnlyDictionary<string, IReadOnlyList<string>> RescheduleOnly() => Build.Parameters(
        ("ClusterArn", Build.Cluster), ("ContainerInstanceArn", Build.Instance), ("TaskDefinitionArn", Build.TaskDefinition),
        ("FixHost", "no"), ("Reschedule", "yes"), ("Group", "family:app"), ("StartedBy", "ecs-dns-remediation/attempt-1"));

    [Fact]
    public async Task Reschedule_SafeInstanceMarkedWithoutLocalResolver_StartsTheTaskThere()
    {
        var launcher = new FakeLauncher();
        var plane = Plane(launcher, new() { [SafeCapacityAttribute.Name] = SafeCapacityAttribute.Safe });

        var execution = await plane.Executor.RunAsync(RunbookName, RescheduleOnly());

        Assert.Equal("Success", execution.Status);
        Assert.Equal(Build.SafeInstance, launcher.Launches.Single().Instance.Arn);
    }

    [Fact]
    public async Task Reschedule_SafeProvidersInstanceFoundALocalResolver_StartsNoTaskAndFails()
    {
        // The boot script marks an instance of the safe capacity provider at risk when it finds a local resolver
        // after all (a changed AMI or launch template): the task would fail there again.
        var launcher = new FakeLauncher();
        var plane = Plane(launcher, new() { [SafeCapacityAttribute.Name] = SafeCapacityAttribute.AtRisk });

        var execution = await plane.Executor.RunAsync(RunbookName, RescheduleOnly());

        Assert.Equal("Failed", execution.Status);
        Assert.Empty(launcher.Launches);
    }
}
