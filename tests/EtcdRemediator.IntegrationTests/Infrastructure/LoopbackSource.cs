using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// Clients from a chosen loopback address (127.0.0.2, 127.0.0.3, ...): the service counts connections, wrong
/// tokens and refusals per client address, and on one host every client is otherwise 127.0.0.1.
/// </summary>
public static class LoopbackSource
{
    /// <summary>An HttpClient whose connections come from <paramref name="from"/>, with the bearer token when given.</summary>
    public static HttpClient Client(string baseUrl, IPAddress from, string? token = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = (context, ct) => ConnectAsync(from, context.DnsEndPoint, ct) })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A TCP connection from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static async ValueTask<Stream> ConnectAsync(IPAddress from, EndPoint to, CancellationToken cancellationToken = default) =>
        new NetworkStream(await SocketAsync(from, to, cancellationToken), ownsSocket: true);

    public static async Task<Socket> SocketAsync(IPAddress from, EndPoint to, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(to, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connections the server listening on <paramref name="port"/> holds established with <paramref name="client"/>
    /// (IPv4), read from /proc/net/tcp: what the server kept, whatever the client believes.
    /// </summary>
    public static int HeldBy(int port, IPAddress client)
    {
        var local = $":{port:X4}";
        var remote = Convert.ToHexString(client.GetAddressBytes().Reverse().ToArray()) + ":";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f[1].EndsWith(local, StringComparison.Ordinal) && f[2].StartsWith(remote, StringComparison.Ordinal)
                && int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == 1); // 01: ESTABLISHED
    }
}
