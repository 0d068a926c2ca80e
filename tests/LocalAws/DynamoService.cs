using System.Net;
using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>
/// DynamoDB (DynamoDB_20120810, JSON 1.0) for tables with a string partition key: PutItem, GetItem,
/// DeleteItem and UpdateItem (SET/REMOVE), GetItem with ProjectionExpression, with ConditionExpression (see <see cref="Condition"/>) and
/// ReturnValuesOnConditionCheckFailure, answering ConditionalCheckFailedException as DynamoDB does.
/// Each call is atomic, as a single-item DynamoDB write is.
/// </summary>
public sealed class DynamoService : IAwsService
{
    const string ErrorPrefix = "com.amazonaws.dynamodb.v20120810#";
    readonly Lock gate = new();
    readonly Dictionary<string, (string Key, Dictionary<string, JsonObject> Items)> tables = new(StringComparer.Ordinal);

    public DynamoService()
    {
        Operations = new Dictionary<string, Func<JsonObject, JsonObject>>(StringComparer.Ordinal)
        {
            ["PutItem"] = PutItem,
            ["GetItem"] = GetItem,
            ["DeleteItem"] = DeleteItem,
            ["UpdateItem"] = UpdateItem,
        };
    }

    public string Name => "dynamodb";

    public string TargetPrefix => "DynamoDB_20120810";

    public string ContentType => "application/x-amz-json-1.0";

    public IReadOnlyDictionary<string, Func<JsonObject, JsonObject>> Operations { get; }

    public void CreateTable(string name, string partitionKey = "pk")
    {
        lock (gate) tables[name] = (partitionKey, new Dictionary<string, JsonObject>(StringComparer.Ordinal));
    }

    /// <summary>A copy of the table's items, each as DynamoDB's attribute-value map.</summary>
    public IReadOnlyList<JsonObject> Items(string table)
    {
        lock (gate) return Table(table).Items.Values.Select(i => (JsonObject)i.DeepClone()).ToArray();
    }

    public JsonObject? Item(string table, string key)
    {
        lock (gate) return Table(table).Items.TryGetValue(key, out var item) ? (JsonObject)item.DeepClone() : null;
    }

    JsonObject PutItem(JsonObject request)
    {
        var item = request["Item"] as JsonObject ?? throw AwsError.Validation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
        lock (gate)
        {
            var (keyName, items) = Table(request);
            var key = KeyOf(item, keyName);
            items.TryGetValue(key, out var old);
            Check(request, old);
            items[key] = (JsonObject)item.DeepClone();
            return Returned(request, old);
        }
    }

    JsonObject GetItem(JsonObject request)
    {
        lock (gate)
        {
            var (keyName, items) = Table(request);
            var key = KeyOf(request["Key"] as JsonObject, keyName);
            if (!items.TryGetValue(key, out var item)) return new JsonObject();
            var copy = (JsonObject)item.DeepClone();
            if (request["ProjectionExpression"]?.GetValue<string>() is { } projection)
            {
                var names = request["ExpressionAttributeNames"] as JsonObject;
                var wanted = projection.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.StartsWith('#') ? names?[p]?.GetValue<string>() ?? throw AwsError.Validation($"unresolved attribute name {p}") : p)
                    .ToHashSet(StringComparer.Ordinal);
                foreach (var name in copy.Select(p => p.Key).Where(n => !wanted.Contains(n)).ToList()) copy.Remove(name);
            }
            return new JsonObject { ["Item"] = copy };
        }
    }

    JsonObject DeleteItem(JsonObject request)
    {
        lock (gate)
        {
            var (keyName, items) = Table(request);
            var key = KeyOf(request["Key"] as JsonObject, keyName);
            items.TryGetValue(key, out var old);
            Check(request, old);
            items.Remove(key);
            return Returned(request, old);
        }
    }

    JsonObject UpdateItem(JsonObject request)
    {
        lock (gate)
        {
            var (keyName, items) = Table(request);
            var keyMap = request["Key"] as JsonObject;
            var key = KeyOf(keyMap, keyName);
            items.TryGetValue(key, out var old);
            Check(request, old);
            var updated = old is null ? (JsonObject)keyMap!.DeepClone() : (JsonObject)old.DeepClone();
            Update.Apply(request["UpdateExpression"]?.GetValue<string>() ?? "", updated,
                request["ExpressionAttributeNames"] as JsonObject, request["ExpressionAttributeValues"] as JsonObject);
            items[key] = updated;
            return request["ReturnValues"]?.GetValue<string>() == "ALL_NEW"
                ? new JsonObject { ["Attributes"] = updated.DeepClone() }
                : Returned(request, old);
        }
    }

    static void Check(JsonObject request, JsonObject? old)
    {
        if (request["ConditionExpression"]?.GetValue<string>() is not { } expression) return;
        if (Condition.Evaluate(expression, old, request["ExpressionAttributeNames"] as JsonObject, request["ExpressionAttributeValues"] as JsonObject))
            return;
        var error = new AwsError(HttpStatusCode.BadRequest, ErrorPrefix + "ConditionalCheckFailedException", "The conditional request failed");
        if (old is not null && request["ReturnValuesOnConditionCheckFailure"]?.GetValue<string>() == "ALL_OLD")
            error = new AwsError(error.Status, error.Type, error.Message) { Extra = new Dictionary<string, JsonNode?> { ["Item"] = old.DeepClone() } };
        throw error;
    }

    static JsonObject Returned(JsonObject request, JsonObject? old) =>
        request["ReturnValues"]?.GetValue<string>() == "ALL_OLD" && old is not null
            ? new JsonObject { ["Attributes"] = old.DeepClone() }
            : new JsonObject();

    (string Key, Dictionary<string, JsonObject> Items) Table(JsonObject request) =>
        Table(request["TableName"]?.GetValue<string>() ?? throw AwsError.Validation("TableName is required"));

    (string Key, Dictionary<string, JsonObject> Items) Table(string name) =>
        tables.TryGetValue(name, out var table)
            ? table
            : throw new AwsError(HttpStatusCode.BadRequest, ErrorPrefix + "ResourceNotFoundException", "Requested resource not found");

    static string KeyOf(JsonObject? map, string keyName) =>
        map?[keyName]?["S"]?.GetValue<string>()
        ?? throw AwsError.Validation("One of the required keys was not given a value");
}
