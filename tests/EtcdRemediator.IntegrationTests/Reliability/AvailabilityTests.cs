using Grpc.Core;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// Clients keep writing while the cluster is defragmented: a bounded writer (200 writes/s, loopback,
/// failing over across all endpoints) runs for the whole remediation; every acknowledged key is
/// read back afterwards. Goal: 0 lost, 0 failed.
/// </summary>
[StartsFirst]
public sealed class AvailabilityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WritesKeepSucceedingAndNothingAcknowledgedIsLostDuringADefrag(bool moveLeader)
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        // Defragmentation copies what is in use: ~40 MB live beside ~80 MB of free pages; each member's copy holds
        // its writes up for a moment, and with the pause between members the run lasts seconds of writing.
        await cluster.WriteAsync("live/", 4_000);
        await cluster.FragmentAsync(megabytes: 80);
        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Policy:MoveLeader"] = moveLeader.ToString();
        settings["Remediator:Policy:PauseBetweenMembers"] = "00:00:01";
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => WriteAsync(cluster, stop.Token));
        var run = await client.RunToEndAsync("lab", "defrag");
        await Task.Delay(500); // a little writing after the run, too
        await stop.CancelAsync();
        var result = await writer;

        var stored = await cluster.KeysAsync("load/");
        var lost = result.Acknowledged.Count(k => !stored.Contains(k));
        var defrags = run.Steps.Where(s => s.Name == "defragment").Select(s => $"{s.Member} {s.DurationSeconds:0.000}s").ToList();
        output.WriteLine($"MoveLeader={moveLeader}: run {run.Status}, defragment {string.Join(", ", defrags)}; " +
            $"writes attempted {result.Attempted}, acknowledged {result.Acknowledged.Count}, failed {result.Failed}, lost {lost}, " +
            $"retried on another endpoint {result.FailedOver}, longest stall {result.LongestStall.TotalMilliseconds:0} ms");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(0, lost);
        Assert.Equal(0, result.Failed);
        Assert.True(result.Attempted > 200, $"only {result.Attempted} writes");
    }

    private sealed record WriteResult(int Attempted, List<string> Acknowledged, int Failed, int FailedOver, TimeSpan LongestStall);

    /// <summary>200 puts a second, one at a time; a put that stalls 5 s moves to the next endpoint (generous:
    /// a loaded CI machine must not fail the test; a write lost or refused would).</summary>
    private static async Task<WriteResult> WriteAsync(EtcdTestCluster cluster, CancellationToken stop)
    {
        var acknowledged = new List<string>();
        int attempted = 0, failed = 0, failedOver = 0, endpoint = 0;
        var longest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var key = $"load/{attempted++:D7}";
            var started = clock.Elapsed;
            var done = false;
            for (var tries = 0; tries < cluster.Members.Count * 2 && !done; tries++)
            {
                try
                {
                    await cluster.PutAtAsync(endpoint, key, "v", TimeSpan.FromSeconds(5));
                    done = true;
                }
                catch (RpcException)
                {
                    endpoint = (endpoint + 1) % cluster.Members.Count;
                    failedOver++;
                }
            }
            if (done) acknowledged.Add(key);
            else failed++;
            var took = clock.Elapsed - started;
            if (took > longest) longest = took;
            var next = TimeSpan.FromMilliseconds(5 * attempted) - clock.Elapsed;
            if (next > TimeSpan.Zero) await Task.Delay(next, CancellationToken.None);
        }
        return new WriteResult(attempted, acknowledged, failed, failedOver, longest);
    }
}
