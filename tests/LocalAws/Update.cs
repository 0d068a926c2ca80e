using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>DynamoDB update expressions, the subset the endpoint applies: SET a = :v[, ...] and REMOVE a[, ...].</summary>
public static class Update
{
    public static void Apply(string expression, JsonObject item, JsonObject? names, JsonObject? values)
    {
        string Name(string token) => token.StartsWith('#')
            ? names?[token]?.GetValue<string>() ?? throw AwsError.Validation($"unresolved attribute name {token}")
            : token;

        var clauses = System.Text.RegularExpressions.Regex.Split(expression.Trim(), @"\s*\b(SET|REMOVE)\b\s*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            .Where(s => s.Length > 0).ToList();
        if (clauses.Count % 2 != 0) throw AwsError.Validation($"Invalid UpdateExpression: {expression}");
        for (var i = 0; i < clauses.Count; i += 2)
        {
            var verb = clauses[i].ToUpperInvariant();
            foreach (var part in clauses[i + 1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (verb == "REMOVE") { item.Remove(Name(part)); continue; }
                var sides = part.Split('=', StringSplitOptions.TrimEntries);
                if (verb != "SET" || sides.Length != 2 || !sides[1].StartsWith(':'))
                    throw AwsError.Validation($"Invalid UpdateExpression: {expression}");
                item[Name(sides[0])] = (values?[sides[1]] ?? throw AwsError.Validation($"undefined value {sides[1]}")).DeepClone();
            }
        }
    }
}
