using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// Refusals are what a caller without a token can make the service write (#38: one line each, 167 MB in 15 s).
/// The service as a real process, its whole output captured as an operator's log would hold it.
/// </summary>
public sealed class RefusalLogVolumeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThreeThousandUnauthenticatedRequestsAddUnder256KiBOfLogAndAnotherAddressIsStillLogged()
    {
        var data = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "refusals-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster())
        {
            ["Remediator:Auth:OperatorTokens:0"] = "refusals-operator-token-0123456789",
        });
        var before = await SettledOutputAsync(service);
        using var flood = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { BaseAddress = new Uri(service.Url) };

        // No token, a wrong one (30 a minute count as failures, then 429), and a header that is not "Bearer <token>".
        var codes = await Task.WhenAll(Enumerable.Range(0, 3000).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clusters");
            if (i % 3 == 1) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"wrong-guess-{i:D6}-0123456789");
            if (i % 3 == 2) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
            using var response = await flood.SendAsync(request);
            return response.StatusCode;
        }));
        using var other = LoopbackSource.Client(service.Url, IPAddress.Parse("127.0.0.2"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/v1/remediations")).StatusCode);
        var log = (await SettledOutputAsync(service))[before.Length..];

        var added = Encoding.UTF8.GetByteCount(log);
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        output.WriteLine($"3,000 refused requests ({codes.Count(c => c == HttpStatusCode.Unauthorized)} 401, " +
            $"{codes.Count(c => c == HttpStatusCode.TooManyRequests)} 429) and one from another address: {lines.Length} lines, {added} bytes of log");
        foreach (var line in lines) output.WriteLine("  " + line);
        Assert.All(codes, c => Assert.True(c is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, c.ToString()));
        Assert.True(added < 256 * 1024, $"{added} bytes of log");
        Assert.Contains(lines, l => l.Contains("/api/v1/remediations", StringComparison.Ordinal) && l.Contains("127.0.0.2", StringComparison.Ordinal));
        Directory.Delete(data, recursive: true);
    }

    /// <summary>The output once the console logger has written what it queued: unchanged for half a second.</summary>
    private static async Task<string> SettledOutputAsync(ManagedProcess service)
    {
        var last = service.Output;
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var now = service.Output;
            if (now.Length == last.Length) return now;
            last = now;
        }
    }
}
