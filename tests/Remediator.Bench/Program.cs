using BenchmarkDotNet.Running;
using Remediator.Bench;

// pipeline: BenchmarkDotNet over parse → diagnose → plan (cost per event, allocations).
return args.FirstOrDefault() switch
{
    "pipeline" => RunPipeline(args[1..]),
    _ => Usage(),
};

static int RunPipeline(string[] rest)
{
    BenchmarkRunner.Run<PipelineBenchmarks>(args: rest);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Remediator.Bench pipeline [BenchmarkDotNet options]");
    return 2;
}
