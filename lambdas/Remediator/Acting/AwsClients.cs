using System.Globalization;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Amazon.SQS;

namespace Remediator.Acting;

/// <summary>
/// Builds the SSM and DynamoDB clients once per process from the AWS SDK's own environment variables, read
/// through a lookup so that tests configure them without touching the process environment: AWS_REGION,
/// AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL (a local endpoint), AWS_ACCESS_KEY_ID,
/// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (set by Lambda), AWS_MAX_ATTEMPTS. Retry mode is Standard:
/// throttling and 5xx are retried with the SDK's jittered exponential backoff, except SSM's, which
/// <see cref="SsmActuator"/> attempts itself.
/// </summary>
public static class AwsClients
{
    /// <summary>Attempts per call (first try and retries) unless AWS_MAX_ATTEMPTS says otherwise.</summary>
    public const int DefaultMaxAttempts = 5;

    /// <summary>
    /// One HTTP attempt's limit: a hung connection is retried rather than eating the invocation (the SDK's
    /// default is 100 s). A start that timed out after SSM applied it is answered by the same execution on the
    /// retry, through the client token.
    /// </summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    public static IAmazonSimpleSystemsManagement Ssm(Func<string, string?> environment)
    {
        var config = new AmazonSimpleSystemsManagementConfig();
        Configure(config, environment, environment("AWS_ENDPOINT_URL_SSM"));
        return Credentials(environment) is { } credentials
            ? new AmazonSimpleSystemsManagementClient(credentials, config)
            : new AmazonSimpleSystemsManagementClient(config);
    }

    /// <summary>STS in the function's region (regional endpoint), for assuming member access roles; AWS_ENDPOINT_URL_STS for tests.</summary>
    public static IAmazonSecurityTokenService Sts(Func<string, string?> environment)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        Configure(config, environment, environment("AWS_ENDPOINT_URL_STS"));
        return Credentials(environment) is { } credentials
            ? new AmazonSecurityTokenServiceClient(credentials, config)
            : new AmazonSecurityTokenServiceClient(config);
    }

    /// <summary>SSM in <paramref name="region"/> (a member's) with <paramref name="credentials"/> (its access role's).</summary>
    public static IAmazonSimpleSystemsManagement Ssm(Func<string, string?> environment, AWSCredentials credentials, string region)
    {
        var config = new AmazonSimpleSystemsManagementConfig();
        Configure(config, key => key is "AWS_REGION" or "AWS_DEFAULT_REGION" ? region : environment(key), environment("AWS_ENDPOINT_URL_SSM"));
        return new AmazonSimpleSystemsManagementClient(credentials, config);
    }

    /// <summary>SQS, for the later queue; AWS_ENDPOINT_URL_SQS for tests.</summary>
    public static IAmazonSQS Sqs(Func<string, string?> environment)
    {
        var config = new AmazonSQSConfig();
        Configure(config, environment, environment("AWS_ENDPOINT_URL_SQS"));
        return Credentials(environment) is { } credentials
            ? new AmazonSQSClient(credentials, config)
            : new AmazonSQSClient(config);
    }

    public static IAmazonDynamoDB Dynamo(Func<string, string?> environment)
    {
        var config = new AmazonDynamoDBConfig();
        Configure(config, environment, environment("AWS_ENDPOINT_URL_DYNAMODB"));
        return Credentials(environment) is { } credentials
            ? new AmazonDynamoDBClient(credentials, config)
            : new AmazonDynamoDBClient(config);
    }

    static void Configure(ClientConfig config, Func<string, string?> environment, string? serviceEndpoint)
    {
        var region = Value(environment, "AWS_REGION") ?? Value(environment, "AWS_DEFAULT_REGION")
            ?? throw new Planning.SettingsException("AWS_REGION is not set; expected the AWS region, such as eu-west-1 (Lambda sets it)");
        var endpoint = Value(environment, "AWS_ENDPOINT_URL") is { } common && serviceEndpoint is null ? common : serviceEndpoint;
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new Planning.SettingsException($"AWS_ENDPOINT_URL: \"{Events.Printable.Truncate(endpoint, 80)}\" is not valid; expected an http(s) URL");
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        config.RetryMode = RequestRetryMode.Standard;
        config.Timeout = AttemptTimeout;
        // SSM's only call, StartAutomationExecution, is attempted by SsmActuator itself, which must know what each attempt answered.
        config.MaxErrorRetry = config is AmazonSimpleSystemsManagementConfig ? 0 : MaxAttempts(environment) - 1;
    }

    /// <summary>AWS_MAX_ATTEMPTS, or <see cref="DefaultMaxAttempts"/>: attempts per call, first try and retries.</summary>
    public static int MaxAttempts(Func<string, string?> environment) =>
        Value(environment, "AWS_MAX_ATTEMPTS") is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 20
                ? n
                : throw new Planning.SettingsException($"AWS_MAX_ATTEMPTS: \"{Events.Printable.Truncate(text, 20)}\" is not valid; expected a whole number from 1 to 20")
            : DefaultMaxAttempts;

    static AWSCredentials? Credentials(Func<string, string?> environment)
    {
        var key = Value(environment, "AWS_ACCESS_KEY_ID");
        var secret = Value(environment, "AWS_SECRET_ACCESS_KEY");
        if (key is null || secret is null) return null;
        return Value(environment, "AWS_SESSION_TOKEN") is { } token
            ? new SessionAWSCredentials(key, secret, token)
            : new BasicAWSCredentials(key, secret);
    }

    static string? Value(Func<string, string?> environment, string key) =>
        environment(key) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
}
