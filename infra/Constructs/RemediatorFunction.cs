using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.Destinations;
using Amazon.CDK.AWS.Lambda.EventSources;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SQS;
using Constructs;
using Remediation.Contracts;

namespace Infra.Constructs;

/// <summary>
/// The Remediator Lambda with its own role, JSON logs, the claims table that makes it act once per event and
/// container instance, the right to start the runbook, and an encrypted on-failure queue that keeps every event
/// the function could not handle after its retries.
/// </summary>
public sealed class RemediatorFunction : Construct
{
    public const string Handler = "Remediator::Remediator.Function::Handle";

    public static readonly Runtime Dotnet10 = new("dotnet10", RuntimeFamily.DOTNET_CORE);

    public Function Function { get; }

    public Role Role { get; }

    public LogGroup LogGroup { get; }

    /// <summary>Events that failed every asynchronous attempt, or that EventBridge could not deliver.</summary>
    public Queue FailureQueue { get; }

    /// <summary>
    /// Events whose start SSM refused for one of its limits wait here, each with its own delay, and come back to the
    /// function (docs/decisions/0008-flow-control-later-queue.md).
    /// </summary>
    public Queue LaterQueue { get; }

    /// <summary>
    /// At most this many invocations handle the later queue at once (the event source mapping's MaximumConcurrency,
    /// 2 to 1,000: AWS Lambda Developer Guide, "Configuring maximum concurrency for Amazon SQS event sources"), so that
    /// events that waited never take the concurrency that new events, of other accounts too, need.
    /// </summary>
    public const int LaterConcurrency = 5;

    /// <summary>Conditional-write claims: one start per event, one host fix per container instance and window.</summary>
    public Table ClaimsTable { get; }

    public RemediatorFunction(Construct scope, string id, RemediatorFunctionProps props) : base(scope, id)
    {
        FailureQueue = new Queue(this, "FailureQueue", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            RetentionPeriod = Duration.Days(14),
            EnforceSSL = true,
        });

        // The failure queue is also the later queue's dead letter: a message the function failed on five times in a
        // row (each failure already retried by the function's own attempts) is kept there, as any failed event.
        LaterQueue = new Queue(this, "LaterQueue", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            RetentionPeriod = Duration.Days(1),
            EnforceSSL = true,
            // Six times the function's timeout, as AWS advises for a queue that triggers a function (AWS Lambda
            // Developer Guide, "Using Lambda with Amazon SQS"): a batch is never seen twice while one invocation acts on it.
            VisibilityTimeout = Duration.Seconds(6 * Remediation.Contracts.ClaimsTable.FunctionTimeout.TotalSeconds),
            DeadLetterQueue = new DeadLetterQueue { Queue = FailureQueue, MaxReceiveCount = 5 },
        });

        var logGroup = LogGroup = new LogGroup(this, "Logs", new LogGroupProps
        {
            Retention = RetentionDays.THREE_MONTHS,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });

        // An explicit role: the default one carries the AWS managed AWSLambdaBasicExecutionRole policy.
        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = "Remediator function: writes its logs, starts the remediation runbook, records claims",
        });
        logGroup.GrantWrite(Role);

        ClaimsTable = new Table(this, "Claims", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = Remediation.Contracts.ClaimsTable.PartitionKey, Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            TimeToLiveAttribute = Remediation.Contracts.ClaimsTable.ExpiresAt,
            Encryption = TableEncryption.AWS_MANAGED,
            PointInTimeRecovery = true,
            // Claims expire within a day (TTL); nothing in them outlives the stack.
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        // The four item calls the claims make; GrantReadWriteData would add scans, queries and batch writes.
        ClaimsTable.Grant(Role, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
        props.Runbook.GrantStart(Role);

        var environment = props.Settings.ToDictionary(kv => kv.Key, kv => kv.Value);
        environment[RemediatorEnvironment.RunbookName] = props.Runbook.Name;
        environment[RemediatorEnvironment.AutomationRoleArn] = props.Runbook.Role.RoleArn;
        environment[RemediatorEnvironment.ClaimsTable] = ClaimsTable.TableName;
        environment[RemediatorEnvironment.LaterQueueUrl] = LaterQueue.QueueUrl;
        LaterQueue.GrantSendMessages(Role);

        Function = new Function(this, "Function", new FunctionProps
        {
            Description = "ECS DNS remediation: diagnoses stopped awsvpc+EFS tasks and starts the remediation runbook",
            Runtime = Dotnet10,
            Architecture = Architecture.ARM_64,
            Handler = Handler,
            Code = props.Code,
            Role = Role,
            // 512 MB on arm64: Lambda gives CPU in proportion to memory, and the .NET cold start (JIT, SDK
            // client) is CPU-bound; the pipeline itself needs under 100 MB.
            MemorySize = 512,
            // Two SSM calls and a DynamoDB claim, each with the SDK's retries and backoff, fit well inside 60 s;
            // a longer hang is a fault that the asynchronous retry handles better.
            Timeout = Duration.Seconds(Remediation.Contracts.ClaimsTable.FunctionTimeout.TotalSeconds),
            // When set, bounds the SSM and DynamoDB call rate when a bad AMI makes a whole fleet fail at once
            // (the asynchronous queue absorbs the burst, up to MaxEventAge). Unset by default: a reservation
            // fails to deploy on accounts whose whole concurrency quota is 10, as new accounts' is.
            ReservedConcurrentExecutions = props.ReservedConcurrency,
            Environment = environment,
            LogGroup = logGroup,
            // JSON: the runtime's own lines (start-up errors, unhandled exceptions) and Lambda's platform lines are
            // then JSON objects like ours, so every event in the log group can be queried by field, and the system
            // level can be WARN. Our outcome lines and EMF documents do not depend on it: they go to the raw
            // standard output (Remediator.Function.RawStandardOutput), which the runtime does not reformat.
            LoggingFormat = LoggingFormat.JSON,
            ApplicationLogLevelV2 = ApplicationLogLevel.INFO,
            SystemLogLevelV2 = SystemLogLevel.WARN,
            RetryAttempts = 2,
            MaxEventAge = Duration.Hours(6),
            OnFailure = new SqsDestination(FailureQueue),
        });
        // One message per invocation: each is one event, and a failure returns that event alone to the queue.
        Function.AddEventSource(new SqsEventSource(LaterQueue, new SqsEventSourceProps { BatchSize = 1, MaxConcurrency = LaterConcurrency }));
    }
}
