using System.Text;
using System.Text.Json;
using Remediation.Contracts;
using Remediator.Acting;
using Remediator.Pipeline;
using Remediator.Planning;

namespace Remediator;

/// <summary>
/// The Lambda entry point. Handler string: <c>Remediator::Remediator.Function::Handle</c>.
/// The managed dotnet runtime passes the raw event as a stream and takes the raw response as a
/// stream, so no Amazon.Lambda.* package is needed (docs/decisions/0001-stream-handler.md).
/// </summary>
public sealed class Function
{
    readonly RemediationPipeline pipeline;
    readonly ILaterQueue? later;
    readonly TimeProvider clock;

    /// <summary>
    /// The constructor the Lambda runtime calls once per execution environment: reads and validates the
    /// settings from the environment (a bad value stops start-up with a message naming the variable) and
    /// builds the SSM and DynamoDB clients, reused by every invocation. Logs and metrics go to the process's
    /// own standard output, see <see cref="RawStandardOutput"/>.
    /// </summary>
    public Function()
        : this(Build(Environment.GetEnvironmentVariable, RawStandardOutput(Console.OpenStandardOutput())))
    {
    }

    public Function(RemediationPipeline pipeline, ILaterQueue? later = null, TimeProvider? clock = null)
    {
        this.pipeline = pipeline;
        this.later = later;
        this.clock = clock ?? TimeProvider.System;
    }

    Function((RemediationPipeline Pipeline, ILaterQueue? Later) parts)
        : this(parts.Pipeline, parts.Later)
    {
    }

    /// <summary>
    /// A writer for the outcome lines and EMF documents over <paramref name="stream"/>, the process's standard
    /// output in Lambda. The managed runtime (Amazon.Lambda.RuntimeSupport) replaces Console.Out with a writer
    /// that reformats every WriteLine: in Text format it prefixes "timestamp, request id, level", in JSON format
    /// it nests the line as the string "message" of its own object, so CloudWatch would find no top-level "_aws"
    /// and extract no metric. The stream from Console.OpenStandardOutput() is the file descriptor underneath,
    /// which the runtime does not wrap: each line written here is one log event, exactly as written, whatever
    /// the function's log format. One write per line (AutoFlush, a buffer larger than any line we write),
    /// synchronized so that concurrent lines never interleave.
    /// </summary>
    public static TextWriter RawStandardOutput(Stream stream) =>
        TextWriter.Synchronized(new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024) { AutoFlush = true });

    /// <summary>A function configured through <paramref name="environment"/> (variable name → value), logging to <paramref name="output"/>.</summary>
    /// <param name="later">The later queue, instead of the one <see cref="RemediatorEnvironment.LaterQueueUrl"/> names (a simulation's).</param>
    public static Function FromEnvironment(Func<string, string?> environment, TextWriter output, TimeProvider? clock = null, ILaterQueue? later = null)
    {
        var (pipeline, configured) = Build(environment, output, clock);
        return new Function(pipeline, later ?? configured, clock);
    }

    /// <summary>
    /// Handles one ECS Task State Change event, or a batch of the later queue's (<see cref="LaterEnvelope"/>). Throws
    /// when acting failed, so the event is retried and kept; an event whose start SSM refused for a limit goes to the
    /// later queue instead, for as long as <see cref="LaterPolicy"/> allows. Returns the last event's response.
    /// </summary>
    public async Task<Stream> Handle(Stream input)
    {
        var bytes = new MemoryStream();
        await input.CopyToAsync(bytes).ConfigureAwait(false);
        var response = new HandlerResponse("skipped", "ignore", "no event in the batch", []);
        foreach (var (@event, mark) in LaterEnvelope.Events(bytes.ToArray()))
            response = await HandleEventAsync(@event, mark).ConfigureAwait(false);
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, response, OutcomeJsonContext.Default.HandlerResponse).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }

    async Task<HandlerResponse> HandleEventAsync(byte[] @event, LaterMark? mark)
    {
        try
        {
            var outcome = await pipeline.HandleAsync(new MemoryStream(@event)).ConfigureAwait(false);
            return new HandlerResponse(outcome.KindName, outcome.Plan.Decision.ToString().ToLowerInvariant(), outcome.Detail, outcome.Runs);
        }
        catch (StartLaterException e) when (later is not null && LaterPolicy.MayWait(mark?.Since ?? clock.GetUtcNow(), clock.GetUtcNow()))
        {
            var next = new LaterMark((mark?.Later ?? 0) + 1, mark?.Since ?? clock.GetUtcNow());
            var delay = LaterPolicy.Delay(next.Later - 1, Random.Shared.NextDouble());
            // A failed send raises: the event is then retried as any failure to act, and kept.
            await later.SendAsync(Encoding.UTF8.GetString(@event), next, delay, CancellationToken.None).ConfigureAwait(false);
            return new HandlerResponse(SkipCauses.Later, "remediate", $"{e.Message}; waits {delay.TotalSeconds:F0} s in the later queue (wait {next.Later})", []);
        }
    }

    static string Region(Func<string, string?> environment) =>
        environment("AWS_REGION") is { Length: > 0 } region ? region.Trim() : environment("AWS_DEFAULT_REGION")?.Trim() ?? "";

    static (RemediationPipeline, ILaterQueue?) Build(Func<string, string?> environment, TextWriter output, TimeProvider? clock = null)
    {
        try
        {
            var settings = RemediatorSettings.From(environment);
            var acting = ActuatorSettings.From(environment);
            var organization = OrganizationSettings.From(environment);
            var claims = new DynamoClaimStore(AwsClients.Dynamo(environment), acting.ClaimsTable);
            IActuator actuator = new SsmActuator(AwsClients.Ssm(environment), claims, acting, clock);
            if (organization is not null)
            {
                var sessions = new StsMemberSessions(AwsClients.Sts(environment),
                    (credentials, region) => AwsClients.Ssm(environment, credentials, region), clock);
                actuator = new MemberActuator(actuator, Region(environment), organization, sessions, claims, acting, clock);
            }
            var reporter = new CompositeReporter(new JsonLineReporter(output, clock),
                new EmfReporter(output, acting.MetricsNamespace, clock, accountDimensions: organization is not null));
            ILaterQueue? later = environment(RemediatorEnvironment.LaterQueueUrl) is { Length: > 0 } url
                ? new SqsLaterQueue(() => AwsClients.Sqs(environment), url.Trim())
                : null;
            return (new RemediationPipeline(settings, actuator, reporter), later);
        }
        catch (SettingsException e)
        {
            // One line CloudWatch keeps, then the runtime reports the init error with the same message.
            output.WriteLine(JsonSerializer.Serialize(new StartupError("ERROR", "configuration error: " + e.Message), OutcomeJsonContext.Default.StartupError));
            throw;
        }
    }
}
