using System.Net.Sockets;

namespace LocalAws.Tests;

public sealed class MotoServerTests
{
    [Fact]
    public async Task Dispose_StartedServer_StopsListening()
    {
        var server = await MotoServer.StartAsync();
        var port = new Uri(server.Url).Port;
        using (var http = new HttpClient())
            Assert.True((await http.GetAsync(server.Url + "moto-api/")).IsSuccessStatusCode);

        server.Dispose();

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
    }
}
