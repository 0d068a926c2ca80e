namespace Remediator.Demo;

/// <summary>The driver's command line: where the cloud assembly, the lab hook and the event are.</summary>
public sealed record DemoOptions
{
    public required string CloudAssembly { get; init; }

    public required string Hook { get; init; }

    public required string EventFile { get; init; }

    /// <summary>The EC2 instance id of the lab's container instance (the event names only its container-instance ARN).</summary>
    public required string Ec2InstanceId { get; init; }

    /// <summary>The EFS file system of the event's task definition (its first volume), as DescribeTaskDefinition reports it.</summary>
    public required string FileSystemId { get; init; }

    public const string Usage = "usage: Remediator.Demo --cdk-out DIR --hook FILE --event FILE --ec2-instance-id i-... --file-system-id fs-...";

    /// <summary>Parses the arguments; a bad command line is a <see cref="ArgumentException"/> with a one-line message.</summary>
    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (args[i] is not ("--cdk-out" or "--hook" or "--event" or "--ec2-instance-id" or "--file-system-id") || i + 1 >= args.Count)
                throw new ArgumentException($"unexpected argument {args[i]}; {Usage}");
            values[args[i]] = args[i + 1];
        }
        string Need(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : throw new ArgumentException($"{key} is required; {Usage}");
        var options = new DemoOptions
        {
            CloudAssembly = Need("--cdk-out"),
            Hook = Need("--hook"),
            EventFile = Need("--event"),
            Ec2InstanceId = Need("--ec2-instance-id"),
            FileSystemId = Need("--file-system-id"),
        };
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.FileSystemId, "^fs-[0-9a-f]{8,17}$"))
            throw new ArgumentException($"--file-system-id {options.FileSystemId} is not an EFS file system id");
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.Ec2InstanceId, "^i-[0-9a-f]{8,17}$"))
            throw new ArgumentException($"--ec2-instance-id {options.Ec2InstanceId} is not an EC2 instance id");
        if (!File.Exists(options.EventFile)) throw new ArgumentException($"--event {options.EventFile}: not found");
        if (!File.Exists(options.Hook)) throw new ArgumentException($"--hook {options.Hook}: not found");
        return options;
    }
}
