using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace LocalAws.Models;

/// <summary>
/// A model's "pattern" as AWS's servers (Java) apply it, in .NET. The whole value must match (Java's
/// Matcher.matches(): DynamoDB rejects the table name "my table" against [a-zA-Z0-9_.-]+, which a search would
/// accept). What differs between the dialects is rewritten:
/// <list type="bullet">
/// <item>\w \d \s and their negations are ASCII in Java, Unicode in .NET: spelled out as ASCII classes. A
/// character class holding a negated escape ([\s\S], "any character") is kept as .NET reads it: translating one
/// half would open a gap;</item>
/// <item>\_ (Java escapes any non-letter, .NET refuses it) becomes _;</item>
/// <item>\p{Print} (Java's POSIX class, ASCII printable) becomes \x20-\x7E;</item>
/// <item>a surrogate-pair range such as \uD800\uDC00-\uDBFF\uDFFF (Java: code points U+10000 to U+10FFFF) becomes
/// \uD800-\uDFFF, since .NET matches UTF-16 code units: a lone surrogate would pass, which JSON from an SDK never
/// carries.</item>
/// </list>
/// \p{L}, \p{N}, \p{Z}, lookahead and back-references mean the same in both. A pattern .NET cannot compile
/// throws, so it is reported and never skipped.
/// </summary>
public static partial class JavaPattern
{
    static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    public static bool IsFullMatch(string pattern, string value) => Cache.GetOrAdd(pattern, Compile).IsMatch(value);

    /// <summary>The .NET regex for a Java pattern, anchored for a full match.</summary>
    public static Regex Compile(string pattern) =>
        new(@"\A(?:" + Translate(pattern) + @")\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public static string Translate(string pattern)
    {
        var text = pattern.Replace(@"\uD800\uDC00-\uDBFF\uDFFF", @"\uD800-\uDFFF", StringComparison.OrdinalIgnoreCase);
        var result = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i += Escape(text, i, inClass: false, result) - 1;
            }
            else if (text[i] == '[')
            {
                var end = ClassEnd(text, i);
                var body = text[(i + 1)..end];
                result.Append('[');
                if (Negated().IsMatch(body))
                    result.Append(body);
                else
                    for (var j = 0; j < body.Length; j++)
                    {
                        if (body[j] == '\\' && j + 1 < body.Length) j += Escape(body, j, inClass: true, result) - 1;
                        else result.Append(body[j]);
                    }
                result.Append(']');
                i = end;
            }
            else
            {
                result.Append(text[i]);
            }
        }
        return result.ToString();
    }

    /// <summary>Appends the translation of the escape at <paramref name="at"/>; returns how many characters it took.</summary>
    static int Escape(string text, int at, bool inClass, StringBuilder result)
    {
        const string print = @"\p{Print}";
        if (text.AsSpan(at).StartsWith(print, StringComparison.Ordinal))
        {
            result.Append(inClass ? @"\x20-\x7E" : @"[\x20-\x7E]");
            return print.Length;
        }
        var next = text[at + 1];
        var ascii = next switch
        {
            'w' or 'W' => "a-zA-Z0-9_",
            'd' or 'D' => "0-9",
            's' or 'S' => @" \t\n\x0B\f\r",
            _ => null,
        };
        // Java lets any non-letter be escaped; .NET refuses "\_", a literal either way.
        if (next == '_') result.Append('_');
        else if (ascii is null) result.Append('\\').Append(next);
        else if (char.IsUpper(next)) result.Append("[^").Append(ascii).Append(']');
        else if (inClass) result.Append(ascii);
        else result.Append('[').Append(ascii).Append(']');
        return 2;
    }

    /// <summary>The index of the ']' that closes the class opened at <paramref name="open"/> (a ']' right after '[' or '[^' is literal).</summary>
    static int ClassEnd(string text, int open)
    {
        var first = open + 1 < text.Length && text[open + 1] == '^' ? open + 2 : open + 1;
        for (var i = first; i < text.Length; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] == ']' && i > first) return i;
        }
        throw new ArgumentException($"pattern {text}: unclosed character class");
    }

    [GeneratedRegex(@"\\[SWD]", RegexOptions.CultureInvariant)]
    private static partial Regex Negated();
}
