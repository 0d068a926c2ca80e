using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LocalAws;

/// <summary>
/// moto's server (python3 -m moto.server, moto 5) on 127.0.0.1 on a free port: AWS's services as moto emulates
/// them. One process serves the whole test host; each <see cref="LocalAwsEndpoint"/> is its own account in it
/// (x-moto-account-id), so endpoints never see each other's tables. The process is stopped when the test host
/// exits, and it also exits by itself when its standard input closes, so a test host that is killed leaves no
/// server behind.
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

    /// <summary>Starts a server and waits until it answers; throws with moto's own error output when it cannot start.</summary>
    public static async Task<MotoServer> StartAsync()
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
