using System.Net.Sockets;
using Xunit.Abstractions;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// What a client without a token could do to everyone else by holding connections (#38): 515 idle ones filled
/// Kestrel's 512 and shut out Alertmanager and the probes for 130 s. The service as a real process (Kestrel over
/// TCP); the flood comes from 127.0.0.1 and everyone else from other loopback addresses, as they would from other
/// hosts.
/// </summary>
public sealed class ConnectionFloodTests(ITestOutputHelper output)
{
    private const string Operator = "flood-operator-token-0123456789";
    private const string Webhook = "flood-webhook-token-0123456789";
    private static readonly IPAddress Flood = IPAddress.Loopback;

    [Fact]
    public async Task SixHundredIdleAndSlowConnectionsFromOneAddressCostAnOperatorAlertmanagerAndAProbeLessThanASecond()
    {
        var data = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "flood-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster())
        {
            ["Remediator:Auth:OperatorTokens:0"] = Operator,
            ["Remediator:Auth:WebhookTokens:0"] = Webhook,
        });
        var server = new Uri(service.Url);
        var endpoint = new IPEndPoint(IPAddress.Parse(server.Host), server.Port);
        // Each on a new connection: one kept from before the flood would not show what the flood does to newcomers.
        async Task<(string Who, HttpStatusCode Status, TimeSpan Took)[]> RoundAsync()
        {
            using var operatorClient = LoopbackSource.Client(service.Url, IPAddress.Parse("127.0.0.2"), Operator);
            using var alertmanager = LoopbackSource.Client(service.Url, IPAddress.Parse("127.0.0.3"), Webhook);
            using var probe = LoopbackSource.Client(service.Url, IPAddress.Parse("127.0.0.4"));
            return
            [
                await TimedAsync("operator", () => operatorClient.GetAsync("/api/v1/clusters")),
                await TimedAsync("alertmanager", () => alertmanager.PostAsync("/api/v1/alerts",
                    new StringContent(Alerts.Payloads.Delivery(Alerts.Payloads.Alert("etcdMembersDown", status: "resolved")), Encoding.UTF8, "application/json"))),
                await TimedAsync("probe", () => probe.GetAsync("/healthz")),
            ];
        }
        // Once before the flood: what a first call costs in a fresh process (JIT, the store's first write) is not the flood's.
        var unflooded = await RoundAsync();
        using var stop = new CancellationTokenSource();
        var sockets = new List<Socket>();
        try
        {
            // Half send a whole request and then nothing (idle, as in the finding), half a header line at a time (slowloris).
            for (var i = 0; i < 600; i++)
            {
                var socket = await LoopbackSource.SocketAsync(Flood, endpoint);
                sockets.Add(socket);
                await SendQuietlyAsync(socket, i % 2 == 0 ? "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" : "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            }
            var slowloris = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var socket in sockets.Where((_, i) => i % 2 == 1)) await SendQuietlyAsync(socket, "X-Slow: 1\r\n");
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            });
            // A connection the kernel has completed counts as ESTABLISHED in /proc/net/tcp until the accept loop takes it and the
            // cap closes it: a fixed second once saw 33 (a fresh-clone run on a slow machine). Read again until the count is down
            // to the cap; without the cap Kestrel keeps them for 130 s and it never gets there.
            var held = await Poll.UntilAsync(() => Task.FromResult(LoopbackSource.HeldBy(server.Port, Flood)), n => n <= 32,
                TimeSpan.FromSeconds(15), $"the service to hold at most 32 connections from {Flood}");

            var times = new List<(string Who, HttpStatusCode Status, TimeSpan Took)>();
            for (var round = 0; round < 3; round++) times.AddRange(await RoundAsync());
            var heldAfter = LoopbackSource.HeldBy(server.Port, Flood);
            await stop.CancelAsync();
            await slowloris;

            output.WriteLine($"600 connections from {Flood} (300 idle after a request, 300 slowloris): the service held {held}, {heldAfter} after the requests");
            foreach (var (who, status, took) in unflooded) output.WriteLine($"  before the flood, {who}: {(int)status} in {took.TotalMilliseconds:F0} ms");
            foreach (var (who, status, took) in times) output.WriteLine($"  {who}: {(int)status} in {took.TotalMilliseconds:F0} ms");
            Assert.All(times, t => Assert.True(t.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{t.Who}: {t.Status}"));
            // The flood may cost each caller less than a second over what the same call took before it (without the cap the
            // operator's connection was closed and the others waited 130 s). Not an absolute second: with the suite
            // beside it on two cores, the call before the flood once took 912 ms and one after it 1,325 ms.
            Assert.All(times, t =>
            {
                var before = unflooded.Single(u => u.Who == t.Who).Took;
                Assert.True(t.Took < before + TimeSpan.FromSeconds(1),
                    $"{t.Who} answered in {t.Took.TotalMilliseconds:F0} ms, {before.TotalMilliseconds:F0} ms before the flood");
            });
            // No keep-alive without credentials (a probe's connection is not held for 130 s); an operator's is kept.
            using var probe = LoopbackSource.Client(service.Url, IPAddress.Parse("127.0.0.4"));
            using var anonymous = await probe.GetAsync("/healthz");
            Assert.True(anonymous.Headers.ConnectionClose);
            using var operatorClient = LoopbackSource.Client(service.Url, IPAddress.Parse("127.0.0.2"), Operator);
            using var authorised = await operatorClient.GetAsync("/healthz");
            Assert.NotEqual(true, authorised.Headers.ConnectionClose);
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(string, HttpStatusCode, TimeSpan)> TimedAsync(string who, Func<Task<HttpResponseMessage>> request)
    {
        var watch = Stopwatch.StartNew();
        using var response = await request();
        return (who, response.StatusCode, watch.Elapsed);
    }

    /// <summary>The server may have closed the connection already (past the cap, or the header timeout): that is the point.</summary>
    private static async Task SendQuietlyAsync(Socket socket, string text)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
        }
        catch (SocketException)
        {
        }
    }
}
