using LocalAws.Models;

namespace LocalAws.Tests;

public sealed class JavaPatternTests
{
    [Theory]
    [InlineData(@"[a-zA-Z0-9_.-]+", "claims", true)]
    [InlineData(@"[a-zA-Z0-9_.-]+", "my table", false)]
    [InlineData(@"^[a-z]+$", "abc\n", false)]
    [InlineData(@"\w+", "caf\u00e9", false)]
    [InlineData(@"[\w+=,.@/-]+", "role/caf\u00e9", false)]
    [InlineData(@"[\w+=,.@/-]+", "role/Name_1", true)]
    [InlineData(@"\d+", "\u0663", false)]
    [InlineData(@"\p{Print}+", "plain text!", true)]
    [InlineData(@"\p{Print}+", "tab\there", false)]
    [InlineData(@"[\s\S]*\S[\s\S]*", "\u00a0x\u00a0", true)]
    [InlineData(@"[\s\S]*\S[\s\S]*", " \t ", false)]
    [InlineData(@"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*", "emoji \U0001F600 ok", true)]
    [InlineData(@"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*", "bell \u0007", false)]
    [InlineData(@"^(?!\s*$).+", "   ", false)]
    public void IsFullMatch_JavaSemantics(string pattern, string value, bool expected)
    {
        Assert.Equal(expected, JavaPattern.IsFullMatch(pattern, value));
    }
}
