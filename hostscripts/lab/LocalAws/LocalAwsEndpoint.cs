using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalAws;

/// <summary>
/// An HTTP server on 127.0.0.1 (a free port) that answers SSM's JSON 1.1 and DynamoDB's JSON 1.0 protocols
/// (POST / with X-Amz-Target) like AWS, error shapes included. SSM is the project's own (<see cref="SsmService"/>:
/// moto does not run Automation); DynamoDB is moto's (<see cref="MotoDynamo"/>). In strict mode, the default,
/// every request is first judged by the service's botocore model (<see cref="Models.ServiceModel"/>) and rejected
/// as AWS does, HTTP 400 ValidationException naming the member. The endpoint records every request and injects
/// faults per operation (<see cref="Faults"/>). Point the real SDK clients at <see cref="Url"/> through ServiceURL
/// with any credentials: signatures are not checked.
/// </summary>
public sealed class LocalAwsEndpoint : IAsyncDisposable
{
    readonly WebApplication app;
    readonly Dictionary<string, IAwsService> services;
    readonly ConcurrentQueue<RecordedRequest> log = new();
    long sequence;

    LocalAwsEndpoint(WebApplication app, SsmService ssm, MotoDynamo dynamo, TimeProvider clock, bool strict)
    {
        this.app = app;
        Ssm = ssm;
        Dynamo = dynamo;
        Clock = clock;
        Strict = strict;
        services = new IAwsService[] { ssm, dynamo }.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);
    }

    public SsmService Ssm { get; }

    /// <summary>This endpoint's DynamoDB: its own account in the test host's moto server.</summary>
    public MotoDynamo Dynamo { get; }

    /// <summary>Whether requests are judged by the botocore models before anything else.</summary>
    public bool Strict { get; }

    public Faults Faults { get; } = new();

    public TimeProvider Clock { get; }

    /// <summary>The base URL, such as http://127.0.0.1:41234/.</summary>
    public string Url { get; private set; } = "";

    /// <summary>
    /// When set, throttling and 5xx answers carry the x-amz-retry-after header (milliseconds), which the
    /// SDK's standard retry mode honours instead of its exponential backoff: keeps tests fast.
    /// </summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>
    /// The account an access key belongs to, for the services whose answers are per account (SSM's Automation
    /// quotas): with keys that moto's STS issued, <see cref="MotoServer.AssumedRoleAccountAsync"/>. Asked once per
    /// key; unset, or null for a key, means moto's default account (an IAM user's key, as moto issues them).
    /// </summary>
    public Func<string, Task<string?>>? AccountOf { get; set; }

    readonly ConcurrentDictionary<string, Task<string?>> accounts = new(StringComparer.Ordinal);

    async Task<Caller> CallerAsync(string? accessKeyId, string? region)
    {
        var account = accessKeyId is not null && AccountOf is { } lookup
            ? await accounts.GetOrAdd(accessKeyId, lookup).ConfigureAwait(false)
            : null;
        return new Caller(account ?? SsmService.Anonymous.Account, region ?? SsmService.Anonymous.Region);
    }

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => log.ToArray();

    public IEnumerable<RecordedRequest> RequestsOf(string operation) => log.Where(r => r.Operation == operation);

    /// <summary>
    /// Starts the endpoint on 127.0.0.1 on a free port (and the test host's moto server on first use).
    /// <paramref name="strict"/>: false only for a test about the endpoint itself, to see what a service does with
    /// a request the model would have stopped.
    /// </summary>
    public static async Task<LocalAwsEndpoint> StartAsync(TimeProvider? clock = null, bool strict = true)
    {
        clock ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var moto = await MotoServer.SharedAsync().ConfigureAwait(false);
        var endpoint = new LocalAwsEndpoint(app, new SsmService(clock), new MotoDynamo(moto), clock, strict);
        app.MapPost("/", endpoint.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.Url = address.TrimEnd('/') + "/";
        return endpoint;
    }

    async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var dot = target.IndexOf('.');
        if (dot < 0 || !services.TryGetValue(target[..dot], out var service))
        {
            await WriteAsync(context, "application/x-amz-json-1.1", HttpStatusCode.BadRequest,
                ErrorBody("UnknownOperationException", $"unknown target '{target}'", null)).ConfigureAwait(false);
            return;
        }
        var operation = target[(dot + 1)..];
        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            body = new JsonObject();
        }

        var latency = Faults.LatencyFor(operation);
        if (latency > TimeSpan.Zero) await Task.Delay(latency).ConfigureAwait(false);

        var accessKeyId = CredentialScope(context.Request, 0);
        var signingRegion = CredentialScope(context.Request, 2);
        var caller = await CallerAsync(accessKeyId, signingRegion).ConfigureAwait(false);
        var (status, response, errorType, injected) = await AnswerAsync(service, operation, body, caller, context.RequestAborted).ConfigureAwait(false);
        log.Enqueue(new RecordedRequest(Interlocked.Increment(ref sequence), Clock.GetUtcNow(), service.Name, operation,
            (JsonObject)body.DeepClone(), (int)status, errorType, injected)
        {
            AccessKeyId = accessKeyId,
            SigningRegion = signingRegion,
        });
        if (injected && errorType is null)
        {
            // FaultKind.TimeoutAfterApply: applied, and no answer until the client gives up.
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return;
        }
        if (errorType is not null && RetryAfter is { } after && (status >= HttpStatusCode.InternalServerError || errorType.EndsWith("ThrottlingException", StringComparison.Ordinal)))
            context.Response.Headers["x-amz-retry-after"] = ((int)after.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (errorType is not null) context.Response.Headers["x-amzn-ErrorType"] = errorType;
        await WriteAsync(context, service.ContentType, status, response).ConfigureAwait(false);
    }

    async Task<(HttpStatusCode, JsonObject, string?, bool)> AnswerAsync(IAwsService service, string operation, JsonObject body,
        Caller caller, CancellationToken cancellationToken)
    {
        if (!service.Handles(operation))
            return (HttpStatusCode.BadRequest, ErrorBody("UnknownOperationException", $"{operation} is not implemented by the local endpoint", null),
                "UnknownOperationException", false);
        if (Strict && Models.ServiceModel.Message(Models.ServiceModel.Load(service.Name).Validate(operation, body)) is { } invalid)
        {
            var type = service.ErrorPrefix + "ValidationException";
            return (HttpStatusCode.BadRequest, ErrorBody(type, invalid, null), type, false);
        }
        var fault = Faults.Next(operation);
        if (fault is { } before && before is not (FaultKind.InternalErrorAfterApply or FaultKind.TimeoutAfterApply))
        {
            var e = Faults.ErrorOf(before, service.Name);
            return (e.Status, ErrorBody(e.Type, e.Message, null), e.Type, true);
        }
        try
        {
            var result = await service.InvokeAsync(operation, body, caller, cancellationToken).ConfigureAwait(false);
            if (fault == FaultKind.InternalErrorAfterApply)
            {
                var e = AwsError.Internal();
                return (e.Status, ErrorBody(e.Type, e.Message, null), e.Type, true);
            }
            return (HttpStatusCode.OK, result, null, fault == FaultKind.TimeoutAfterApply);
        }
        catch (AwsError e)
        {
            return (e.Status, ErrorBody(e.Type, e.Message, e.Extra), e.Type, false);
        }
    }

    /// <summary>Field <paramref name="index"/> of "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...".</summary>
    static string? CredentialScope(HttpRequest request, int index)
    {
        var authorization = request.Headers.Authorization.ToString();
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0) return null;
        var end = authorization.IndexOf(',', start);
        var fields = authorization[(start + "Credential=".Length)..(end < 0 ? authorization.Length : end)].Split('/');
        return fields.Length == 5 ? fields[index] : null;
    }

    static JsonObject ErrorBody(string type, string message, IReadOnlyDictionary<string, JsonNode?>? extra)
    {
        var body = new JsonObject { ["__type"] = type, ["message"] = message };
        if (extra is not null)
            foreach (var (key, value) in extra) body[key] = value?.DeepClone();
        return body;
    }

    static async Task WriteAsync(HttpContext context, string contentType, HttpStatusCode status, JsonObject body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = contentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        await Dynamo.DeleteTablesAsync().ConfigureAwait(false);
    }
}
