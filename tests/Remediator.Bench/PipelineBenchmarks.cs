using Remediation.Contracts;
using BenchmarkDotNet.Attributes;
using Remediator.Events;
using Remediator.Planning;

namespace Remediator.Bench;

/// <summary>The pure part of the pipeline, per event: parse → diagnose → plan, and the plan's JSON.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PipelineBenchmarks
{
    byte[] failure = [];
    byte[] healthy = [];
    byte[] truncated = [];
    byte[] pluginTimeout = [];
    readonly RemediatorSettings settings = RemediatorSettings.From(key => key == RemediatorEnvironment.SafeCapacityProvider ? "safe" : null);

    [GlobalSetup]
    public void Setup()
    {
        failure = Corpus.Read("failure/ec2-awsvpc-standalone.json");
        healthy = Corpus.Read("healthy/essential-container-exited.json");
        truncated = Corpus.Read("failure/ec2-awsvpc-truncated-in-host.json");
        pluginTimeout = Corpus.Read("failure/ec2-awsvpc-plugin-timeout.json");
    }

    [Benchmark(Baseline = true, Description = "failure event → remediate")]
    public Plan Failure() => Planner.Plan(EventParser.Parse(failure), settings);

    [Benchmark(Description = "healthy stop → ignore")]
    public Plan Healthy() => Planner.Plan(EventParser.Parse(healthy), settings);

    [Benchmark(Description = "reason cut in host → remediate")]
    public Plan Truncated() => Planner.Plan(EventParser.Parse(truncated), settings);

    [Benchmark(Description = "Docker's plugin timeout → remediate")]
    public Plan PluginTimeout() => Planner.Plan(EventParser.Parse(pluginTimeout), settings);

    [Benchmark(Description = "failure event → plan JSON")]
    public string FailureToJson() => PlanDocument.From(Planner.Plan(EventParser.Parse(failure), settings)).ToJson();
}
