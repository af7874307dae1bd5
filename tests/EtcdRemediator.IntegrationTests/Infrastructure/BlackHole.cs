using System.Net;
using System.Net.Sockets;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback endpoint that accepts connections and never answers: an etcd member that hangs.
/// Calls to it end only by their deadline, which keeps a run busy for as long as a test needs.
/// </summary>
public sealed class BlackHole : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();

    public BlackHole()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Stopwatch timestamp of the first connection: when a client first reached this "member".</summary>
    public long? FirstConnectionAt { get; private set; }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                FirstConnectionAt ??= System.Diagnostics.Stopwatch.GetTimestamp();
                lock (_held) _held.Add(client);
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held) foreach (var client in _held) client.Dispose();
        _stop.Dispose();
    }
}
