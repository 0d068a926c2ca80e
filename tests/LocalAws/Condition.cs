using System.Globalization;
using System.Text.Json.Nodes;

namespace LocalAws;

/// <summary>
/// The subset of DynamoDB condition expressions the endpoint evaluates: attribute_exists(p),
/// attribute_not_exists(p), comparisons (= &lt;&gt; &lt; &lt;= &gt; &gt;=) between #names, :values and
/// plain names on S and N values, AND, OR (AND binds tighter) and parentheses. Anything else is a
/// ValidationException, so an expression the endpoint does not understand fails loudly.
/// </summary>
public static class Condition
{
    public static bool Evaluate(string expression, JsonObject? item, JsonObject? names, JsonObject? values)
    {
        var parser = new Parser(Tokens(expression), item, names, values);
        var result = parser.Or();
        if (!parser.AtEnd) throw AwsError.Validation($"Invalid ConditionExpression: unexpected '{parser.Peek}'");
        return result;
    }

    static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '(' or ')' or ',') { tokens.Add(c.ToString()); i++; continue; }
            if (c is '<' or '>' or '=')
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "<>" or "<=" or ">=") { tokens.Add(two); i += 2; }
                else { tokens.Add(c.ToString()); i++; }
                continue;
            }
            var start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '#' or ':' or '.' or '-')) i++;
            if (start == i) throw AwsError.Validation($"Invalid ConditionExpression: unexpected character '{c}'");
            tokens.Add(text[start..i]);
        }
        return tokens;
    }

    sealed class Parser(List<string> tokens, JsonObject? item, JsonObject? names, JsonObject? values)
    {
        int position;

        public bool AtEnd => position >= tokens.Count;

        public string Peek => AtEnd ? "" : tokens[position];

        string Take() => AtEnd ? throw AwsError.Validation("Invalid ConditionExpression: unexpected end") : tokens[position++];

        void Expect(string token)
        {
            if (Take() != token) throw AwsError.Validation($"Invalid ConditionExpression: expected '{token}'");
        }

        public bool Or()
        {
            var result = And();
            while (string.Equals(Peek, "OR", StringComparison.OrdinalIgnoreCase)) { Take(); result |= And(); }
            return result;
        }

        bool And()
        {
            var result = Factor();
            while (string.Equals(Peek, "AND", StringComparison.OrdinalIgnoreCase)) { Take(); result &= Factor(); }
            return result;
        }

        bool Factor()
        {
            var token = Take();
            if (token == "(")
            {
                var inner = Or();
                Expect(")");
                return inner;
            }
            if (token is "attribute_exists" or "attribute_not_exists")
            {
                Expect("(");
                var name = Name(Take());
                var exists = item is not null && item.ContainsKey(name);
                Expect(")");
                return token == "attribute_exists" ? exists : !exists;
            }
            var left = Operand(token);
            var op = Take();
            var right = Operand(Take());
            if (left is null || right is null) return false;
            var order = Compare(left, right);
            return op switch
            {
                "=" => order == 0,
                "<>" => order != 0,
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                ">=" => order >= 0,
                _ => throw AwsError.Validation($"Invalid ConditionExpression: unsupported operator '{op}'"),
            };
        }

        string Name(string token) => token.StartsWith('#')
            ? names?[token]?.GetValue<string>() ?? throw AwsError.Validation($"Value provided in ExpressionAttributeNames unused in expressions: unresolved {token}")
            : token;

        JsonObject? Operand(string token) => token.StartsWith(':')
            ? values?[token] as JsonObject ?? throw AwsError.Validation($"An expression attribute value used in expression is not defined; attribute value: {token}")
            : item?[Name(token)] as JsonObject;

        static int Compare(JsonObject left, JsonObject right)
        {
            if (left["N"] is { } ln && right["N"] is { } rn)
                return decimal.Parse(ln.GetValue<string>(), CultureInfo.InvariantCulture).CompareTo(decimal.Parse(rn.GetValue<string>(), CultureInfo.InvariantCulture));
            if (left["S"] is { } ls && right["S"] is { } rs)
                return string.CompareOrdinal(ls.GetValue<string>(), rs.GetValue<string>());
            return left.ToJsonString() == right.ToJsonString() ? 0 : 1;
        }
    }
}
