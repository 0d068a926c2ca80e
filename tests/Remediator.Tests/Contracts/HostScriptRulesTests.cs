using System.Diagnostics;
using System.Text;
using Remediation.Contracts;
using Remediation.Testing;

namespace Remediator.Tests.Contracts;

/// <summary>
/// The rules hostscripts/hostlib.sh shares with the C# side, fed the same values on both sides: a name or an
/// address that one side takes and the other refuses would pass the function and the documents, then fail on the
/// host (or the other way round).
/// </summary>
public sealed class HostScriptRulesTests
{
    [Fact]
    public void DnsNameRule_HostlibAndContracts_AgreeOnEveryName()
    {
        // A command-line argument cannot hold a NUL byte: such names never reach a host script.
        var names = DnsNameCorpus.All.Where(n => !n.Contains('\0', StringComparison.Ordinal)).ToList();

        var verdicts = Hostlib("is_dns_name", names);

        Assert.Equal(names.Select(n => $"{DnsNames.IsValid(n)} {n}"), verdicts.Select((v, i) => $"{v} {names[i]}"));
    }

    [Fact]
    public void ResolverAddressRule_HostlibAndContracts_AgreeOnEveryAddress()
    {
        var addresses = new List<string>
        {
            "169.254.169.253", "10.0.0.2", "1.0.0.0", "223.255.255.255", "fd00:ec2::253", "2001:db8::1", "FD00:EC2:0:0:0:0:0:253",
            "fec0::1", "0.0.0.1", "0.0.0.0", "127.0.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "010.0.0.2", "10.0.0.256",
            "10.0.0", "10.0.0.2\n", "::", "::1", "0:0:0:0:0:0:0:1", "ff02::1", "fe80::1", "febf::1", "fec0::", "fe80::1%eth0",
            "::127.0.0.1", "::ffff:1.2.3.4", "::ffff:7f00:1", "::ffff:0:0", "1::2::3", "[2001:db8::1]", "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", ":1::2", "1::2:", "00000::1", "1.2.3.4.5", "", " 10.0.0.2",
        };
        var random = new Random(20261204);
        const string alphabet = "0129af:.";
        for (var i = 0; i < 300; i++)
            addresses.Add(new string(Enumerable.Range(0, random.Next(1, 18)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        addresses = addresses.Distinct(StringComparer.Ordinal).ToList();

        var verdicts = Hostlib("is_resolver_address", addresses);

        Assert.Equal(addresses.Select(a => $"{IpLiteral.IsValid(a)} {a}"), verdicts.Select((v, i) => $"{v} {addresses[i]}"));
    }

    /// <summary>Runs one hostlib.sh rule over the values (NUL-separated on stdin); one verdict per value.</summary>
    static List<bool> Hostlib(string rule, IReadOnlyList<string> values)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c",
                "source \"$1\" || exit 9; while IFS= read -r -d '' v; do if " + rule + " \"$v\"; then echo 1; else echo 0; fi; done",
                "hostlib",
                Path.Combine(RepositoryRoot.Path, "hostscripts", "hostlib.sh"),
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        foreach (var value in values)
            process.StandardInput.Write(value + "\0");
        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"bash exited {process.ExitCode}: {error.Result}");
        var verdicts = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l == "1").ToList();
        Assert.Equal(values.Count, verdicts.Count);
        return verdicts;
    }
}
