using System.Text;
using System.Text.Json;
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

    public Function(RemediationPipeline pipeline)
    {
        this.pipeline = pipeline;
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
    public static Function FromEnvironment(Func<string, string?> environment, TextWriter output, TimeProvider? clock = null) =>
        new(Build(environment, output, clock));

    /// <summary>Handles one ECS Task State Change event. Throws when acting failed, so the event is retried and kept.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        var outcome = await pipeline.HandleAsync(input).ConfigureAwait(false);
        var response = new HandlerResponse(outcome.KindName, outcome.Plan.Decision.ToString().ToLowerInvariant(), outcome.Detail, outcome.Runs);
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, response, OutcomeJsonContext.Default.HandlerResponse).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }

    static string Region(Func<string, string?> environment) =>
        environment("AWS_REGION") is { Length: > 0 } region ? region.Trim() : environment("AWS_DEFAULT_REGION")?.Trim() ?? "";

    static RemediationPipeline Build(Func<string, string?> environment, TextWriter output, TimeProvider? clock = null)
    {
        try
        {
            var settings = RemediatorSettings.From(environment);
            var acting = ActuatorSettings.From(environment) with { StartAttempts = AwsClients.MaxAttempts(environment) };
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
            return new RemediationPipeline(settings, actuator, reporter);
        }
        catch (SettingsException e)
        {
            // One line CloudWatch keeps, then the runtime reports the init error with the same message.
            output.WriteLine(JsonSerializer.Serialize(new StartupError("ERROR", "configuration error: " + e.Message), OutcomeJsonContext.Default.StartupError));
            throw;
        }
    }
}
