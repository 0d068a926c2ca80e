using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace LocalAws;

/// <summary>
/// moto's server (python3 -m moto.server, moto 5) on 127.0.0.1 on a free port: AWS's services as moto emulates
/// them. One process serves the whole test host; each <see cref="LocalAwsEndpoint"/> is its own account in it
/// (x-moto-account-id), so endpoints never see each other's tables. The process is stopped when the test host
/// exits, and it also exits by itself when its standard input closes, so a test host that is killed leaves no
/// server behind. A server of its own may enforce IAM authorization (<see cref="StartAsync"/>): its STS then issues
/// assumed-role keys that belong to the role's account and refuses an AssumeRole the caller's policy does not allow.
/// </summary>
public sealed class MotoServer : IDisposable
{
    /// <summary>The python interpreter with moto installed (default python3).</summary>
    public const string PythonVariable = "LOCALAWS_PYTHON";

    // Reads standard input to its end (the test host's pipe closes however the host ends), then exits.
    const string Launcher = """
        import logging, os, sys, threading
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        def watch():
            sys.stdin.read()
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
        from moto.server import main
        main(["-H", "127.0.0.1", "-p", sys.argv[1]])
        """;

    static readonly Lazy<Task<MotoServer>> Shared = new(() => StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    readonly Process process;

    MotoServer(Process process, string url)
    {
        this.process = process;
        Url = url;
    }

    /// <summary>The base URL, such as http://127.0.0.1:41235/.</summary>
    public string Url { get; }

    /// <summary>The test host's server, started on first use.</summary>
    public static Task<MotoServer> SharedAsync() => Shared.Value;

    /// <summary>moto's default account: the keys of IAM users created in a server belong to it.</summary>
    public const string DefaultAccount = "123456789012";

    /// <summary>
    /// Starts a server and waits until it answers; throws with moto's own error output when it cannot start. With
    /// <paramref name="authorizeAfter"/>, only that many calls (the setup) go unchecked and every later one is
    /// authorized against the caller's IAM policies (moto's INITIAL_NO_AUTH_ACTION_COUNT); without it, none is.
    /// </summary>
    public static async Task<MotoServer> StartAsync(int? authorizeAfter = null)
    {
        var failures = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort();
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable(PythonVariable) ?? "python3")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Launcher);
            start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (authorizeAfter is { } calls)
                start.Environment["INITIAL_NO_AUTH_ACTION_COUNT"] = calls.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
            var errors = new System.Text.StringBuilder();
            // Drained so the pipe never fills; the start of it is kept for the error message.
            process.ErrorDataReceived += (_, e) => { lock (errors) if (errors.Length < 4000) errors.AppendLine(e.Data); };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var server = new MotoServer(process, $"http://127.0.0.1:{port}/");
            if (await server.WaitUntilReadyAsync().ConfigureAwait(false))
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
                return server;
            }
            server.Dispose();
            lock (errors) failures.Add(errors.ToString().Trim());
        }
        throw new InvalidOperationException(
            $"moto_server did not start (is moto installed? python3 -c 'import moto' || pip install 'moto[server]'): {failures.LastOrDefault()}");
    }

    async Task<bool> WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited) return false;
            try
            {
                using var response = await http.GetAsync(Url + "moto-api/").ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>Creates an IAM user with one inline policy and returns its access key (three calls).</summary>
    public async Task<(string AccessKeyId, string SecretAccessKey)> CreateUserAsync(string name, string policyJson)
    {
        await IamAsync(new() { ["Action"] = "CreateUser", ["UserName"] = name }).ConfigureAwait(false);
        var key = await IamAsync(new() { ["Action"] = "CreateAccessKey", ["UserName"] = name }).ConfigureAwait(false);
        await IamAsync(new() { ["Action"] = "PutUserPolicy", ["UserName"] = name, ["PolicyName"] = name, ["PolicyDocument"] = policyJson }).ConfigureAwait(false);
        string Field(string field) => key.Descendants().First(e => e.Name.LocalName == field).Value;
        return (Field("AccessKeyId"), Field("SecretAccessKey"));
    }

    /// <summary>
    /// The account of an assumed-role access key moto's STS issued (moto's state dump, moto-api/data.json: STS
    /// GetAccessKeyInfo knows IAM users' keys only), or null for a key it did not issue.
    /// </summary>
    public async Task<string?> AssumedRoleAccountAsync(string accessKeyId) =>
        (await AssumedRolesAsync().ConfigureAwait(false))
            .FirstOrDefault(r => r?["access_key_id"]?.GetValue<string>() == accessKeyId)?["account_id"]?.GetValue<string>();

    /// <summary>How many AssumeRole calls moto's STS answered with credentials.</summary>
    public async Task<int> AssumedRoleCountAsync() => (await AssumedRolesAsync().ConfigureAwait(false)).Count;

    async Task<JsonArray> AssumedRolesAsync()
    {
        using var http = new HttpClient();
        var data = JsonNode.Parse(await http.GetStringAsync(Url + "moto-api/data.json").ConfigureAwait(false));
        return data?["sts"]?["AssumedRole"]?.AsArray() ?? [];
    }

    async Task<XDocument> IamAsync(Dictionary<string, string> form)
    {
        form["Version"] = "2010-05-08";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new FormUrlEncodedContent(form) };
        // moto routes a request to a service by its credential scope; setup calls are not authorized, so not signed.
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"moto IAM {form["Action"]}: {body}");
        return XDocument.Parse(body);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
