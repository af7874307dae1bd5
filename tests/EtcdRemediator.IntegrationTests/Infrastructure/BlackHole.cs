using System.Net.Sockets;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback endpoint that accepts connections and never answers: an etcd member that hangs.
/// Calls to it end only by their deadline, which keeps a run busy for as long as a test needs.
/// It reads what clients send and notes when, so that a benchmark can time a call's arrival.
/// </summary>
public sealed class BlackHole : IDisposable
{
    /// <summary>
    /// An HTTP/2 PING frame is 17 bytes (9 of header, 8 of payload); a keep-alive ping on a connection
    /// opened earlier must not read as a new call arriving.
    /// </summary>
    private const int LargerThanAPing = 18;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly List<long> _arrivals = [];
    private readonly CancellationTokenSource _stop = new();

    public BlackHole()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>
    /// The Stopwatch timestamp of the first read of more than a ping at or after <paramref name="since"/>
    /// (a Stopwatch timestamp too), or null. A connection opened before (the service's warm-up reads every
    /// cluster at start-up and keeps the connection) carries later calls as new HTTP/2 streams, so a new
    /// connection is not a sign of a new call; bytes arriving are.
    /// </summary>
    public long? FirstArrivalSince(long since)
    {
        lock (_arrivals)
            return _arrivals.Where(at => at >= since).Cast<long?>().FirstOrDefault();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_held) _held.Add(client);
                _ = ReadAsync(client);
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task ReadAsync(TcpClient client)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var stream = client.GetStream();
            int read;
            while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
            {
                var at = Stopwatch.GetTimestamp();
                if (read >= LargerThanAPing) lock (_arrivals) _arrivals.Add(at);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held) foreach (var client in _held) client.Dispose();
        _stop.Dispose();
    }
}
