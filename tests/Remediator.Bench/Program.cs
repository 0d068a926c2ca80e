using BenchmarkDotNet.Running;
using Remediator.Bench;

// pipeline:  BenchmarkDotNet over parse → diagnose → plan (cost per event, allocations).
// burst:     a cluster-wide failure through Function.Handle against the local SSM/DynamoDB endpoint.
// coldstart: process start to first handled event, beside a bare console program.
// storm:     an organization's failure storm in simulated time, against Automation's limits per account and Region.
return args.FirstOrDefault() switch
{
    "pipeline" => RunPipeline(args[1..]),
    "burst" => await Burst.RunAsync(args[1..]),
    "coldstart" => await ColdStart.RunAsync(args[1..]),
    "storm" => await Storm.RunAsync(args[1..]),
    _ => Usage(),
};

static int RunPipeline(string[] rest)
{
    BenchmarkRunner.Run<PipelineBenchmarks>(args: rest);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Remediator.Bench pipeline [BenchmarkDotNet options] | burst [--events N] [--instances N] [--concurrency N] [--rate RATE] [--fault throttle|error-after-apply|timeout-after-apply] | coldstart [--runs N] | storm [--accounts N] [--regions R] [--instances M] [--concurrent C] [--queued Q] [--rate S] [--burst B] [--duration MIN] [--duplicates P] [--parallel N] [--seed N] [--noisy N]");
    return 2;
}
