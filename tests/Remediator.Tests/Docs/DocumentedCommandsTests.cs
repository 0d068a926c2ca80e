using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LocalAws.Models;
using Remediation.Contracts;
using Remediation.Testing;

namespace Remediator.Tests.Docs;

/// <summary>
/// Every `aws ...` command the documentation shows is one the AWS CLI accepts as written and is complete: its
/// operation (or waiter) exists, every option is a member of the operation's input or a global option, and every
/// member the operation requires is given. The judge is botocore's models (service-2.json, waiters-2.json), the
/// data the AWS CLI itself is generated from; a command mentioned by name only (no option) must still exist.
/// </summary>
public sealed class DocumentedCommandsTests
{
    /// <summary>The documents an operator copies commands from.</summary>
    static IEnumerable<string> Documents() =>
        new[] { "README.md", Path.Combine("infra", "README.md"), Path.Combine("hostscripts", "README.md") }
            .Select(p => Path.Combine(RepositoryRoot.Path, p))
            .Concat(Directory.Exists(Path.Combine(RepositoryRoot.Path, "docs"))
                ? Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md", SearchOption.AllDirectories)
                : [])
            .Where(File.Exists);

    /// <summary>
    /// The AWS CLI's options for every command (aws help: "Global Options") and the pagination options it adds to
    /// paginated operations; none is a member of an operation's input.
    /// </summary>
    static readonly HashSet<string> GlobalOptions =
    [
        "--query", "--output", "--region", "--profile", "--endpoint-url", "--no-verify-ssl", "--no-paginate",
        "--debug", "--color", "--no-sign-request", "--ca-bundle", "--cli-read-timeout", "--cli-connect-timeout",
        "--no-cli-pager", "--cli-auto-prompt", "--no-cli-auto-prompt", "--cli-input-json", "--cli-input-yaml",
        "--generate-cli-skeleton", "--max-items", "--starting-token", "--page-size",
    ];

    /// <summary>The AWS CLI's own high-level commands, written by hand in the CLI (awscli/customizations), not in botocore.</summary>
    static readonly HashSet<string> Customizations = ["logs tail", "cloudformation deploy", "cloudformation package", "s3 cp", "s3 ls", "s3 sync", "s3 rm"];

    public sealed record AwsCommand(string Document, IReadOnlyList<string> Words)
    {
        public override string ToString() => $"{Path.GetRelativePath(RepositoryRoot.Path, Document)}: {string.Join(' ', Words)}";
    }

    static List<AwsCommand> All() => Documents().SelectMany(d => ShellWords.AwsCommands(d, File.ReadAllText(d))).ToList();

    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var serialized in All().Select(c => JsonSerializer.Serialize(c.Words.Prepend(c.ToString()).ToArray())).Distinct())
            data.Add(serialized);
        return data;
    }

    [Fact]
    public void TheDocumentsShowCommands()
    {
        // The extraction finds what an operator copies; if it found nothing, every test below would pass vacuously.
        var found = All().Count;
        Assert.True(found >= 20, $"only {found} aws commands found in the documents");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void DocumentedCommand_IsAcceptedAndComplete(string serialized)
    {
        var parts = JsonSerializer.Deserialize<string[]>(serialized)!;
        var (where, words) = (parts[0], parts[1..]);
        Assert.True(words.Length >= 3, $"{where}: no service and command");
        // A <placeholder> is a redirection to bash: the pasted command would read a file named after it.
        Assert.DoesNotContain(words, w => Regex.IsMatch(w, "^<[^>]*>$"));
        var (service, verb) = (words[1], words[2]);
        if (Customizations.Contains($"{service} {verb}") || service == "s3") return;

        var model = Model(service);
        string operation;
        var rest = words[3..];
        if (verb == "wait")
        {
            Assert.True(rest.Length > 0, $"{where}: wait needs a waiter");
            var waiters = Waiters(service);
            var waiter = waiters.EnumerateObject().FirstOrDefault(w => Same(w.Name, rest[0]));
            Assert.True(waiter.Value.ValueKind == JsonValueKind.Object, $"{where}: {service} has no waiter {rest[0]}");
            operation = waiter.Value.GetProperty("operation").GetString()!;
            rest = rest[1..];
        }
        else
        {
            operation = model.GetProperty("operations").EnumerateObject().FirstOrDefault(o => Same(o.Name, verb)).Name
                ?? throw new Xunit.Sdk.XunitException($"{where}: {service} has no operation {verb}");
        }

        var options = rest.Where(w => w.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (options.Count == 0 && verb != "wait") return; // named only, as in "see aws ecs describe-tasks"
        var members = InputMembers(model, operation);
        foreach (var option in options.Where(o => !GlobalOptions.Contains(o)))
        {
            var name = option.StartsWith("--no-", StringComparison.Ordinal) && !members.Any(m => Same(m.Name, option[2..])) ? option[5..] : option[2..];
            Assert.True(members.Any(m => Same(m.Name, name)), $"{where}: {option} is not an option of {service} {verb} ({operation})");
        }
        if (options.Contains("--cli-input-json") || options.Contains("--cli-input-yaml")) return;
        foreach (var required in members.Where(m => m.Required))
            Assert.True(options.Any(o => Same(o[2..], required.Name)), $"{where}: {service} {verb} needs --{Kebab(required.Name)}");
    }

    [Fact]
    public void DocumentedRunbookStarts_GiveTheTaskDefinition()
    {
        // Without TaskDefinitionArn the evidence step has no EFS name to test and the run ends in verdict=unknown.
        var starts = All()
            .Where(c => c.Words.Count > 3 && c.Words[1] == "ssm" && c.Words[2] == "start-automation-execution")
            // A request file is `remediator plan --aws-cli`'s output, judged by its own tests against the SSM model.
            .Where(c => !c.Words.Contains("--cli-input-json"))
            .ToList();
        Assert.NotEmpty(starts);
        foreach (var start in starts)
        {
            var index = start.Words.ToList().IndexOf("--parameters");
            Assert.True(index > 0 && index + 1 < start.Words.Count, $"{start}: no --parameters");
            using var parameters = JsonDocument.Parse(start.Words[index + 1]);
            var names = parameters.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Subset(typeof(RunbookParameterNames).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToHashSet(), names.ToHashSet());
            Assert.Contains(RunbookParameterNames.TaskDefinitionArn, names);
            Assert.Contains(RunbookParameterNames.ContainerInstanceArn, names);
        }
    }

    sealed record Member(string Name, bool Required);

    static IReadOnlyList<Member> InputMembers(JsonElement model, string operation)
    {
        var op = model.GetProperty("operations").GetProperty(operation);
        if (!op.TryGetProperty("input", out var input)) return [];
        var shape = model.GetProperty("shapes").GetProperty(input.GetProperty("shape").GetString()!);
        var required = shape.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        return shape.GetProperty("members").EnumerateObject().Select(m => new Member(m.Name, required.Contains(m.Name))).ToList();
    }

    /// <summary>The CLI writes a member as kebab case (botocore's xform_name); compared without dashes or case, they are the same name.</summary>
    static bool Same(string member, string cli) =>
        string.Equals(member.Replace("-", ""), cli.Replace("-", ""), StringComparison.OrdinalIgnoreCase);

    static string Kebab(string member) => Regex.Replace(member, "(?<=[a-z0-9])([A-Z])", "-$1").ToLowerInvariant();

    static JsonElement Model(string service) => Load(BotocoreData.ModelFile(ModelName(service)));

    static JsonElement Waiters(string service)
    {
        var directory = Path.GetDirectoryName(BotocoreData.ModelFile(ModelName(service)))!;
        var file = new[] { "waiters-2.json.gz", "waiters-2.json" }.Select(f => Path.Combine(directory, f)).First(File.Exists);
        return Load(file).GetProperty("waiters");
    }

    static string ModelName(string service) => service == "s3api" ? "s3" : service;

    static JsonElement Load(string file)
    {
        using var stream = File.OpenRead(file);
        using var text = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : (Stream)stream;
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>
/// Finds the `aws` commands in a Markdown document: in fenced code blocks and in inline code, split into words as
/// bash would (quotes, backslash escapes and line continuations; a command substitution $(...) is a command of its
/// own and a placeholder word in the one around it). Variables are not expanded.
/// </summary>
public static class ShellWords
{
    public static IEnumerable<DocumentedCommandsTests.AwsCommand> AwsCommands(string document, string markdown)
    {
        var commands = new List<List<string>>();
        foreach (var code in CodeSpans(markdown))
        {
            var i = 0;
            Parse(code, ref i, '\0', commands);
        }
        // A lone "aws" or "aws ssm" in prose names the tool or a service, not a command.
        return commands.Where(c => c.Count >= 3 && c[0] == "aws").Select(c => new DocumentedCommandsTests.AwsCommand(document, c));
    }

    /// <summary>Fenced blocks as they are; inline code with its line breaks (a paragraph wrapped in a span) as spaces.</summary>
    static IEnumerable<string> CodeSpans(string markdown)
    {
        // Fences may be indented (a block inside a list item).
        var fence = new Regex(@"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", RegexOptions.Multiline | RegexOptions.Singleline);
        foreach (Match block in fence.Matches(markdown)) yield return block.Groups[1].Value;
        var prose = fence.Replace(markdown, "\n");
        foreach (Match inline in Regex.Matches(prose, @"`([^`]+)`")) yield return Regex.Replace(inline.Groups[1].Value, @"\s*\n\s*", " ");
    }

    /// <summary>Parses commands until <paramref name="end"/> (')' for a substitution), adding each to <paramref name="commands"/>.</summary>
    static void Parse(string text, ref int i, char end, List<List<string>> commands)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        void EndWord()
        {
            if (inWord) words.Add(word.ToString());
            word.Clear();
            inWord = false;
        }
        void EndCommand()
        {
            EndWord();
            if (words.Count > 0) commands.Add(words);
            words = [];
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == end && end != '\0')
            {
                i++;
                break;
            }
            switch (c)
            {
                case '\\' when i + 1 < text.Length && text[i + 1] == '\n':
                    i += 2;
                    continue;
                case '\\' when i + 1 < text.Length:
                    word.Append(text[i + 1]);
                    inWord = true;
                    i += 2;
                    continue;
                case '\'':
                {
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0) close = text.Length;
                    word.Append(text, i + 1, close - i - 1);
                    inWord = true;
                    i = close + 1;
                    continue;
                }
                case '"':
                    i++;
                    while (i < text.Length && text[i] != '"')
                    {
                        if (text[i] == '\\' && i + 1 < text.Length && "\"\\$`\n".Contains(text[i + 1]))
                        {
                            if (text[i + 1] != '\n') word.Append(text[i + 1]);
                            i += 2;
                        }
                        else if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '(')
                        {
                            i += 2;
                            Parse(text, ref i, ')', commands);
                            word.Append("$(...)");
                        }
                        else word.Append(text[i++]);
                    }
                    i++;
                    inWord = true;
                    continue;
                case '$' when i + 1 < text.Length && text[i + 1] == '(':
                    i += 2;
                    Parse(text, ref i, ')', commands);
                    word.Append("$(...)");
                    inWord = true;
                    continue;
                case '#' when !inWord:
                    while (i < text.Length && text[i] != '\n') i++;
                    continue;
                case '\n' or ';' or '|' or '&' or '(' or ')' or '{' or '}':
                    EndCommand();
                    i++;
                    continue;
                case ' ' or '\t':
                    EndWord();
                    i++;
                    continue;
                default:
                    word.Append(c);
                    inWord = true;
                    i++;
                    continue;
            }
        }
        EndCommand();
    }
}
