using System.Globalization;
using EtcdRemediator.Configuration;
using EtcdRemediator.History;
using EtcdRemediator.Storage;

namespace EtcdRemediator.Benchmarks;

/// <summary>
/// Issue 29's fleet: one instance with many clusters (real single-member etcd clusters on loopback, some
/// fragmented), the watch every 10 s and allowed to act. Measures that the fragmented ones are remediated within
/// the cross-cluster limit and none starves, the service at rest, the list and the status page's requests, and
/// what a month of history for the fleet weighs in the store.
/// </summary>
public static class Fleet
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AtRest = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Options options)
    {
        var count = options.Get("clusters", 50);
        var fragmented = options.Get("fragmented", 10);
        var limit = options.Get("concurrency", 4);
        var clusters = new List<EtcdTestCluster>();
        var data = Directory.CreateTempSubdirectory("etcdrem-bench-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var batch in Enumerable.Range(0, count).Chunk(10))
                clusters.AddRange(await Task.WhenAll(batch.Select(_ => EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { Members = 1 }))));
            await Task.WhenAll(clusters.Take(fragmented).Select(c => c.FragmentAsync(16)));
            var etcdRss = clusters.Sum(c => c.Members.Sum(m => m.ProcessId is { } pid ? ProcessMemory.Rss(pid) : 0));
            Console.Error.WriteLine($"{count} clusters started, {fragmented} fragmented, in {clock.Elapsed.TotalSeconds:0} s");

            var settings = new Dictionary<string, string?>
            {
                ["Remediator:Watch:Interval"] = WatchInterval.ToString(),
                ["Remediator:Watch:Remediate"] = "true",
                ["Remediator:Policy:MaxConcurrentClusters"] = limit.ToString(CultureInfo.InvariantCulture),
                ["Remediator:Snapshots:Retain"] = "1",
            };
            for (var i = 0; i < clusters.Count; i++)
            {
                settings[$"Remediator:Clusters:{i}:Name"] = $"c{i:00}";
                settings[$"Remediator:Clusters:{i}:Endpoints:0"] = clusters[i].Endpoints[0];
            }
            var started = DateTimeOffset.UtcNow;
            await using var service = await ServiceClient.StartAsync(data, settings);

            var runs = await Poll.UntilAsync(() => FinishedRunsAsync(service), r => r.Count(x => x.Status == "Succeeded") >= fragmented,
                TimeSpan.FromMinutes(10), $"{fragmented} watch-started runs to succeed");
            var remediated = runs.Where(r => r.Status == "Succeeded").ToList();
            var wrong = runs.Where(r => !r.Cluster.StartsWith('c') || int.Parse(r.Cluster[1..], CultureInfo.InvariantCulture) >= fragmented).ToList();
            var overlap = MaxOverlap(remediated);
            var waits = remediated.Select(r => (r.StartedAt - started).TotalSeconds).Order().ToList();

            var cpuBefore = ProcessMemory.CpuSeconds(service.ProcessId);
            var rest = Stopwatch.StartNew();
            await Task.Delay(AtRest); // the quantity measured: CPU used over a minute of watching
            var cpu = (ProcessMemory.CpuSeconds(service.ProcessId) - cpuBefore) / rest.Elapsed.TotalSeconds;
            var rss = ProcessMemory.Rss(service.ProcessId);

            var list = await TimesAsync(10, () => service.Client.GetStringAsync("/api/v1/clusters"));
            var page = await TimesAsync(5, () => StatusPageAsync(service));
            var storeBytes = DatabaseBytes(data);
            var month = await SimulatedMonthAsync(count);

            Report.Table($"Fleet ({count} single-member clusters on loopback, {fragmented} fragmented; watch every " +
                $"{WatchInterval.TotalSeconds:0} s with Watch:Remediate; Policy:MaxConcurrentClusters={limit})",
            [
                ["measure", "value"],
                ["fragmented clusters remediated (trigger watch)", $"{remediated.Count} of {fragmented}"],
                ["runs on clusters that were not fragmented", wrong.Count.ToString(CultureInfo.InvariantCulture)],
                ["most runs at once (from their start and end times)", $"{overlap} (limit {limit})"],
                ["service start -> run start: first / median / last", $"{Report.S(waits[0])} / {Report.S(Report.Median(waits))} / {Report.S(waits[^1])}"],
                [$"service CPU at rest (over {AtRest.TotalSeconds:0} s)", $"{cpu * 100:0.0} % of one core"],
                ["service RSS at rest", ProcessMemory.MiB(rss)],
                [$"etcd RSS, all {count} members (for scale)", ProcessMemory.MiB(etcdRss)],
                ["GET /api/v1/clusters: median / max of 10", $"{Report.Ms(Report.Median(list))} / {Report.Ms(list.Max())}"],
                ["status page's requests as app.js makes them (6 at a time): median / max of 5", $"{Report.Ms(Report.Median(page))} / {Report.Ms(page.Max())}"],
                ["run store after the run above", ProcessMemory.MiB(storeBytes)],
                [$"run store after a simulated month of history, {count} members at 10 s", ProcessMemory.MiB(month)],
            ]);
        }
        finally
        {
            await Task.WhenAll(clusters.Select(c => c.DisposeAsync().AsTask()));
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed record Run(string Cluster, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

    /// <summary>Runs that have finished (any outcome), from the service's own records.</summary>
    private static async Task<List<Run>> FinishedRunsAsync(ManagedProcess service)
    {
        using var runs = JsonDocument.Parse(await service.Client.GetStringAsync("/api/v1/remediations?limit=500"));
        return [.. runs.RootElement.EnumerateArray()
            .Where(r => r.TryGetProperty("finishedAt", out var f) && f.ValueKind == JsonValueKind.String)
            .Select(r => new Run(r.GetProperty("cluster").GetString()!, r.GetProperty("status").GetString()!,
                r.GetProperty("startedAt").GetDateTimeOffset(), r.GetProperty("finishedAt").GetDateTimeOffset()))];
    }

    /// <summary>The largest number of runs under way at one moment: a sweep over their starts and ends.</summary>
    private static int MaxOverlap(IEnumerable<Run> runs) =>
        runs.SelectMany(r => new[] { (At: r.StartedAt, Delta: 1), (At: r.FinishedAt, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta)
            .Aggregate((Now: 0, Max: 0), (s, e) => (s.Now + e.Delta, Math.Max(s.Max, s.Now + e.Delta))).Max;

    private static async Task<List<double>> TimesAsync(int times, Func<Task> call)
    {
        var result = new List<double>();
        for (var i = 0; i < times; i++)
        {
            var clock = Stopwatch.StartNew();
            await call();
            result.Add(clock.Elapsed.TotalMilliseconds);
        }
        return result;
    }

    /// <summary>What app.js asks for on a load: the cluster list, then per cluster its status, its last runs and 24 h of history.</summary>
    private static async Task StatusPageAsync(ManagedProcess service)
    {
        await service.Client.GetStringAsync("/");
        using var list = JsonDocument.Parse(await service.Client.GetStringAsync("/api/v1/clusters"));
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O", CultureInfo.InvariantCulture));
        var paths = list.RootElement.EnumerateArray().Select(c => Uri.EscapeDataString(c.GetProperty("name").GetString()!))
            .SelectMany(n => new[] { $"/api/v1/clusters/{n}/status", $"/api/v1/remediations?cluster={n}&limit=10", $"/api/v1/clusters/{n}/history?since={since}" });
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (path, ct) =>
            (await service.Client.GetAsync(path, ct)).EnsureSuccessStatusCode());
    }

    private static long DatabaseBytes(string data) =>
        Directory.GetFiles(data, "remediator.db*").Sum(f => new FileInfo(f).Length);

    /// <summary>
    /// A month of the watch's readings for <paramref name="members"/> members, written through the service's own
    /// history store on a clock of our own: 30 days as hourly means (from readings every 10 min), then the last
    /// 50 h at the watch's 10 s. Returns the store file's size once checkpointed.
    /// </summary>
    private static async Task<long> SimulatedMonthAsync(int members)
    {
        var dir = Directory.CreateTempSubdirectory("etcdrem-bench-month-").FullName;
        try
        {
            var path = Path.Combine(dir, "remediator.db");
            using (var database = new RemediatorDatabase(Microsoft.Extensions.Options.Options.Create(
                       new RemediatorOptions { Storage = new StorageOptions { Path = path } })))
            {
                await database.OpenAsync(CancellationToken.None);
                var store = new HistoryStore(database);
                var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
                await FillAsync(store, members, start, TimeSpan.FromDays(30) - TimeSpan.FromHours(50), TimeSpan.FromMinutes(10));
                await FillAsync(store, members, start + TimeSpan.FromDays(30) - TimeSpan.FromHours(50), TimeSpan.FromHours(50), WatchInterval);
            }
            return new FileInfo(path).Length;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task FillAsync(HistoryStore store, int members, DateTimeOffset from, TimeSpan span, TimeSpan every)
    {
        var times = Enumerable.Range(0, (int)(span / every)).Select(i => from + i * every).ToList();
        // One call per cluster per reading, as the watch makes them, many at once (the store commits them in groups).
        foreach (var moments in times.Chunk(50))
            await Task.WhenAll(Enumerable.Range(0, members).Select(m => store.AppendAsync($"c{m:00}",
                [.. moments.Select(at => new MemberSample((ulong)m + 1, "m0", at, 100L << 20, 40L << 20, 2L << 30, true, 0))],
                moments[^1], CancellationToken.None)));
    }
}
