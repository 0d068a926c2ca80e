using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.Destinations;
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
    }
}
