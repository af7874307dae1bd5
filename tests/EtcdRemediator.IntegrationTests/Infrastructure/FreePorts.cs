using System.Net.Sockets;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// Loopback ports the OS says are free, never handed out twice in one test run. scripts/test.sh runs its passes
/// side by side, each in a test host of its own: it gives each pass a range of its own (ETCDREM_TEST_PORTS,
/// "first-last", below the kernel's ephemeral range), so that one pass cannot be handed a port the other was just
/// given and has not bound yet. Without it, the OS picks (port 0).
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly (int First, int Last)? Range = ParseRange(Environment.GetEnvironmentVariable("ETCDREM_TEST_PORTS"));
    private static int _next = Range is { } r ? r.First + Random.Shared.Next(r.Last - r.First + 1) : 0;

    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                var port = Range is { } range ? Free(TakeFrom(range)) : Free(0);
                if (port > 0 && Given.Add(port)) return port;
            }
        }
    }

    private static int TakeFrom((int First, int Last) range)
    {
        if (Given.Count > range.Last - range.First) throw new InvalidOperationException($"every port of ETCDREM_TEST_PORTS {range.First}-{range.Last} was given");
        var port = _next;
        _next = port == range.Last ? range.First : port + 1;
        return port;
    }

    /// <summary>The port once a listener could take it (the OS's own choice for 0), or 0 when it is in use.</summary>
    private static int Free(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    private static (int, int)? ParseRange(string? text) =>
        text?.Split('-') is [var first, var last] && int.TryParse(first, out var f) && int.TryParse(last, out var l) && 0 < f && f < l && l < 65536
            ? (f, l)
            : text is null ? null : throw new InvalidOperationException($"ETCDREM_TEST_PORTS '{text}' is not 'first-last'");
}
