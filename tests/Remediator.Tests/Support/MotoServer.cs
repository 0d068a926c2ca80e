using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;

namespace Remediator.Tests.Support;

/// <summary>
/// moto_server (moto 5, installed with the test tools) on 127.0.0.1, a free port, with IAM authorization
/// enforced after the setup calls: its STS issues assumed-role keys that belong to the role's account
/// (GetAccessKeyInfo says which), and refuses AssumeRole when the caller's IAM policy does not allow it.
/// A missing moto_server fails the test: the check is never skipped.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    /// <summary>moto's default account: the keys of users created here belong to it.</summary>
    public const string Account = "123456789012";

    readonly Process process;
    readonly HttpClient http = new();

    MotoServer(Process process, string url)
    {
        this.process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>
    /// Starts moto_server; the first <paramref name="unauthenticatedCalls"/> calls (the setup) are not
    /// authorized, every later one is checked against the caller's IAM policies.
    /// </summary>
    public static async Task<MotoServer> StartAsync(int unauthenticatedCalls)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["INITIAL_NO_AUTH_ACTION_COUNT"] = unauthenticatedCalls.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new MotoServer(process, $"http://127.0.0.1:{port}");
        for (var i = 0; i < 150; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"moto_server exited with {process.ExitCode}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        await server.DisposeAsync();
        throw new TimeoutException("moto_server did not listen within 15 s");
    }

    /// <summary>Creates an IAM user with one inline policy and returns its access key (three setup calls).</summary>
    public async Task<(string AccessKeyId, string SecretAccessKey)> CreateUserAsync(string name, string policyJson)
    {
        await IamAsync(new() { ["Action"] = "CreateUser", ["UserName"] = name });
        var key = await IamAsync(new() { ["Action"] = "CreateAccessKey", ["UserName"] = name });
        await IamAsync(new() { ["Action"] = "PutUserPolicy", ["UserName"] = name, ["PolicyName"] = name, ["PolicyDocument"] = policyJson });
        string Field(string field) => key.Descendants().First(e => e.Name.LocalName == field).Value;
        return (Field("AccessKeyId"), Field("SecretAccessKey"));
    }

    /// <summary>
    /// The account of an assumed-role access key moto's STS issued (moto's state dump, /moto-api/data.json:
    /// STS GetAccessKeyInfo knows IAM users' keys only), or null for a key it did not issue.
    /// </summary>
    public async Task<string?> AssumedRoleAccountAsync(string accessKeyId)
    {
        var data = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(Url + "/moto-api/data.json"));
        return data?["sts"]?["AssumedRole"]?.AsArray()
            .FirstOrDefault(r => r?["access_key_id"]?.GetValue<string>() == accessKeyId)?["account_id"]?.GetValue<string>();
    }

    /// <summary>How many AssumeRole calls moto's STS answered with credentials.</summary>
    public async Task<int> AssumedRoleCountAsync()
    {
        var data = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(Url + "/moto-api/data.json"));
        return data?["sts"]?["AssumedRole"]?.AsArray().Count ?? 0;
    }

    async Task<XDocument> IamAsync(Dictionary<string, string> form)
    {
        form["Version"] = "2010-05-08";
        using var request = new HttpRequestMessage(HttpMethod.Post, Url + "/") { Content = new FormUrlEncodedContent(form) };
        // moto routes a request to a service by the credential scope; setup calls are not authorized, so not signed.
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"moto IAM {form["Action"]}: {body}");
        return XDocument.Parse(body);
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
