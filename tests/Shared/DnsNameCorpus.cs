namespace Remediation.Testing;

/// <summary>
/// Names on both sides of each clause of the DNS-name rule, and seeded random strings around them: the sides of the
/// rule (C#, the documents' allowedPattern, hostscripts/hostlib.sh) are fed the same names and must agree.
/// </summary>
internal static class DnsNameCorpus
{
    public static IReadOnlyList<string> All { get; } = Build();

    static List<string> Build()
    {
        var label63 = new string('a', 63);
        var name253 = $"{label63}.{label63}.{label63}.{new string('b', 59)}.c";
        var names = new List<string>
        {
            "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com", "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com.",
            "us-east-1a.fs-0123456789abcdef0.efs.us-east-1.amazonaws.com", "fs-0705b30dbe1741990.efs.cn-north-1.amazonaws.com.cn",
            "a.b", "a.b.", "x1.example.com", "123.example.com", "a.b2", "a.2b", "A.B",
            label63 + ".com", new string('a', 64) + ".com", name253, name253 + ".", "a" + name253, "a" + name253 + ".",
            "", ".", "..", "a", "a.", "localhost", "localhost.", "10.0.0.2", "10.0.0.2.", "a.b.123", "a.123.",
            "a..b", ".a.b", "a.b..", "-a.b", "a-.b", "a.-b", "a.b-", "a--b.c", "a_b.c", "a b.c", "a.b\n", "a.b\r", "\na.b",
            "a.b;reboot", "$(id).b", "café.example.com", "a.b\u0000", "a.\u0662b", "xn--caf-dma.example.com",
        };
        var random = new Random(20261204);
        const string alphabet = "ab09-.Z_ é";
        for (var i = 0; i < 300; i++)
        {
            var length = random.Next(0, 14);
            names.Add(new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        }
        return names.Distinct(StringComparer.Ordinal).ToList();
    }
}
