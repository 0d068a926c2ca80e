using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Infra.Tests;

/// <summary>
/// A document's content as CloudFormation hands it to SSM. The AWS::SSM::Document resource handler writes a JSON
/// Content object with Jackson's ObjectMapper and SerializationFeature.INDENT_OUTPUT
/// (aws-cloudformation/aws-cloudformation-resource-providers-ssm, aws-ssm-document/.../DocumentModelTranslator.java,
/// processDocumentContent; Jackson 2.14.1 in its pom.xml). That is Jackson's DefaultPrettyPrinter
/// (FasterXML/jackson-core, tag jackson-core-2.14.1, util/DefaultPrettyPrinter.java, DefaultIndenter.java): objects
/// break lines and indent two spaces per object level, with " : " between name and value; arrays stay on one line,
/// "[ a, b ]"; empty ones are "{ }" and "[ ]"; the line feed is the system's, "\n" on the Linux hosts that run
/// handlers. Strings escape only '"', '\' and control characters, with \b \t \n \f \r and \u00XX otherwise
/// (io/CharTypes.java, sOutputEscapes128); other characters are written as they are.
/// </summary>
public static class JacksonIndentOutput
{
    public static string Write(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, 0, text);
        return text.ToString();
    }

    static void Write(JsonNode? node, int level, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 0:
                text.Append("{ }");
                break;
            case JsonObject o:
                text.Append('{');
                var first = true;
                foreach (var (name, value) in o)
                {
                    if (!first) text.Append(',');
                    first = false;
                    text.Append('\n').Append(' ', 2 * (level + 1));
                    String(name, text);
                    text.Append(" : ");
                    Write(value, level + 1, text);
                }
                text.Append('\n').Append(' ', 2 * level).Append('}');
                break;
            case JsonArray a when a.Count == 0:
                text.Append("[ ]");
                break;
            case JsonArray a:
                text.Append("[ ");
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) text.Append(", ");
                    Write(a[i], level, text);
                }
                text.Append(" ]");
                break;
            case null:
                text.Append("null");
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                String(v.GetValue<string>(), text);
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }

    static void String(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\t': text.Append("\\t"); break;
                case '\n': text.Append("\\n"); break;
                case '\f': text.Append("\\f"); break;
                case '\r': text.Append("\\r"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }
}
