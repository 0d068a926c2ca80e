using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>
/// DynamoDB (DynamoDB_20120810, JSON 1.0) as moto emulates it: every operation the endpoint receives is forwarded
/// to the shared <see cref="MotoServer"/> in this endpoint's own account, and moto's answer, errors included
/// (ConditionalCheckFailedException with the old item, ValidationException on a bad expression), is returned as it
/// is. The endpoint keeps the request log, the faults and the model check in front of it.
/// </summary>
public sealed class MotoDynamo : IAwsService
{
    const string Target = "DynamoDB_20120810";
    static long accounts;

    readonly HttpClient http;
    readonly string url;
    readonly string account;
    readonly HashSet<string> tables = new(StringComparer.Ordinal);

    internal MotoDynamo(MotoServer server)
    {
        url = server.Url;
        // 12 digits, unique in this test host: the process id keeps two test hosts sharing nothing apart as well.
        account = $"{Environment.ProcessId % 10_000:D4}{Interlocked.Increment(ref accounts) % 100_000_000:D8}";
        http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name => "dynamodb";

    public string TargetPrefix => Target;

    public string ContentType => "application/x-amz-json-1.0";

    public string ErrorPrefix => "com.amazonaws.dynamodb.v20120810#";

    /// <summary>The account this endpoint's tables live in, inside moto.</summary>
    public string AccountId => account;

    public bool Handles(string operation) => Models.ServiceModel.Load(Name).HasOperation(operation);

    public async Task<JsonObject> InvokeAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(Message(operation, request), cancellationToken).ConfigureAwait(false);
        return Answer(response, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Creates a table with a string partition key, on demand (PAY_PER_REQUEST).</summary>
    public void CreateTable(string name, string partitionKey = "pk")
    {
        Call("CreateTable", new JsonObject
        {
            ["TableName"] = name,
            ["AttributeDefinitions"] = new JsonArray(new JsonObject { ["AttributeName"] = partitionKey, ["AttributeType"] = "S" }),
            ["KeySchema"] = new JsonArray(new JsonObject { ["AttributeName"] = partitionKey, ["KeyType"] = "HASH" }),
            ["BillingMode"] = "PAY_PER_REQUEST",
        });
        lock (tables) tables.Add(name);
    }

    /// <summary>Every item of the table (a Scan, all pages), each as DynamoDB's attribute-value map.</summary>
    public IReadOnlyList<JsonObject> Items(string table)
    {
        var items = new List<JsonObject>();
        JsonNode? start = null;
        do
        {
            var request = new JsonObject { ["TableName"] = table, ["ConsistentRead"] = true };
            if (start is not null) request["ExclusiveStartKey"] = start.DeepClone();
            var page = Call("Scan", request);
            items.AddRange(page["Items"]!.AsArray().Select(i => (JsonObject)i!.DeepClone()));
            start = page["LastEvaluatedKey"];
        }
        while (start is not null);
        return items;
    }

    /// <summary>The item whose partition key ("pk" unless told) is <paramref name="key"/>, or null.</summary>
    public JsonObject? Item(string table, string key, string partitionKey = "pk") =>
        Call("GetItem", new JsonObject
        {
            ["TableName"] = table,
            ["Key"] = new JsonObject { [partitionKey] = new JsonObject { ["S"] = key } },
            ["ConsistentRead"] = true,
        })["Item"]?.DeepClone() as JsonObject;

    /// <summary>Deletes the tables this endpoint created, so the shared server does not grow with every test.</summary>
    internal async Task DeleteTablesAsync()
    {
        string[] names;
        lock (tables) names = [.. tables];
        foreach (var name in names)
        {
            using var response = await http.SendAsync(Message("DeleteTable", new JsonObject { ["TableName"] = name }), CancellationToken.None).ConfigureAwait(false);
        }
        http.Dispose();
    }

    // The harness's own calls (set-up and inspection): not recorded, no faults.
    JsonObject Call(string operation, JsonObject request)
    {
        using var response = http.Send(Message(operation, request));
        using var reader = new StreamReader(response.Content.ReadAsStream());
        return Answer(response, reader.ReadToEnd());
    }

    HttpRequestMessage Message(string operation, JsonObject request)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8),
        };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ContentType);
        message.Headers.Add("X-Amz-Target", $"{Target}.{operation}");
        message.Headers.Add("x-moto-account-id", account);
        // moto reads the region from the credential scope; signatures are not checked.
        message.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
        return message;
    }

    static JsonObject Answer(HttpResponseMessage response, string text)
    {
        var body = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        if (response.IsSuccessStatusCode) return body;
        var type = body["__type"]?.GetValue<string>() ?? $"HTTP {(int)response.StatusCode}";
        var message = (body["message"] ?? body["Message"])?.GetValue<string>() ?? "";
        var extra = body.Where(p => p.Key is not ("__type" or "message" or "Message"))
            .ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
        throw new AwsError(response.StatusCode is HttpStatusCode.OK ? HttpStatusCode.BadRequest : response.StatusCode, type, message) { Extra = extra };
    }
}
