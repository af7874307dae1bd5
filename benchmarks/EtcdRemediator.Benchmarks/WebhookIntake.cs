using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace EtcdRemediator.Benchmarks;

/// <summary>
/// An alert storm on loopback: deliveries of 10 alerts each (one per instance, as Alertmanager sends a
/// group) for many clusters, most of them duplicates. The clusters' members hang (black holes), so
/// every run stays busy and duplicates must join it: runs created should equal distinct clusters.
/// Then: latency from a POST to the run's first connection to an etcd member.
/// </summary>
public static class WebhookIntake
{
    private static readonly string[] Header = ["measure", "value", "target"];

    public static async Task RunAsync(Options options)
    {
        var clusters = options.Get("clusters", 50);
        var deliveries = options.Get("deliveries", 20_000);
        var concurrency = options.Get("concurrency", 32);
        var probes = options.Get("probes", 20);
        var holes = Enumerable.Range(0, clusters + probes).Select(_ => new BlackHole()).ToList();
        var data = Directory.CreateTempSubdirectory("etcdrem-bench-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Remediator:Policy:RequestTimeout"] = "00:05:00",
            ["Remediator:Alerts:MaxDeliveriesPerSecond"] = "0", // the service's capacity is measured, not the limit per token
            ["Remediator:Policy:MaxConcurrentClusters"] = (clusters + probes).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < holes.Count; i++)
        {
            settings[$"Remediator:Clusters:{i}:Name"] = i < clusters ? $"c{i}" : $"probe{i - clusters}";
            settings[$"Remediator:Clusters:{i}:Endpoints:0"] = holes[i].Url;
        }
        await using var service = await ServiceClient.StartAsync(data, settings);

        // Durability (one fsync per accepted delivery) and contention are separate costs: one client sees the
        // first alone, 8 and 32 clients add the second.
        var random = new Random(7);
        var rows = new List<string[]> { Header };
        foreach (var clients in new[] { 1, 8, concurrency }.Distinct())
        {
            var count = clients == 1 ? Math.Min(deliveries, 2_000) : deliveries;
            var bodies = Enumerable.Range(0, count).Select(_ => Delivery($"c{random.Next(clusters)}")).ToList();
            var (elapsed, sorted, failures) = await StormAsync(service, bodies, clients);
            rows.Add([$"{clients} client(s), {count} deliveries: alerts accepted per second", Report.F(count * 10 / elapsed, "0"),
                clients == concurrency ? ">= 10,000" : ""]);
            rows.Add([$"{clients} client(s): latency p50 / p99", $"{Report.Ms(Report.Percentile(sorted, 0.5))} / " +
                $"{Report.Ms(Report.Percentile(sorted, 0.99))}", "p99 < 10 ms"]);
            rows.Add([$"{clients} client(s): non-202 answers", failures.ToString(System.Globalization.CultureInfo.InvariantCulture), "0"]);
        }
        using var runs = JsonDocument.Parse(await service.Client.GetStringAsync("/api/v1/remediations?limit=500"));
        // Every pass joins the runs the first one started while they hang; a run ends within its inspection budget (seconds),
        // so a pass slower than that starts new ones (150 of 50 when the audit's pruning made the passes slow).
        rows.Add(["runs created / distinct clusters", $"{runs.RootElement.GetArrayLength()} / {clusters}", "equal"]);

        // Alert -> first etcd call: the warm-up opened a connection to each probe's hanging member at start-up and
        // keeps it, so the run's first call is the first request bytes to reach that member after the POST.
        var firstCall = new List<double>();
        for (var p = 0; p < probes; p++)
        {
            using var content = new ByteArrayContent(Delivery($"probe{p}"));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var sent = Stopwatch.GetTimestamp();
            (await service.Client.PostAsync("/api/v1/alerts", content)).EnsureSuccessStatusCode();
            var hole = holes[clusters + p];
            var waited = Stopwatch.StartNew();
            long? arrival;
            while ((arrival = hole.FirstArrivalSince(sent)) is null && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(1);
            if (arrival is null) throw new TimeoutException($"probe{p}: no call reached its member within 10 s of the alert");
            firstCall.Add(Report.Plausible(Stopwatch.GetElapsedTime(sent, arrival.Value).TotalMilliseconds, "alert -> first etcd call"));
        }
        var firstSorted = firstCall.Order().ToList();
        rows.Add(["alert -> first etcd call p50 / max", $"{Report.Ms(Report.Percentile(firstSorted, 0.5))} / {Report.Ms(firstSorted[^1])}",
            "< 50 ms"]);

        Report.Table($"Webhook intake (deliveries of 10 alerts, {clusters} clusters; 1, 8 and {concurrency} concurrent clients)", rows);
        await service.DisposeAsync();
        foreach (var hole in holes) hole.Dispose();
        Directory.Delete(data, recursive: true);
    }

    private static async Task<(double Seconds, List<double> Sorted, int Failures)> StormAsync(ManagedProcess service, List<byte[]> bodies,
        int clients)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (body, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await service.Client.PostAsync("/api/v1/alerts", content, ct);
            latencies.Add(Report.Plausible(Stopwatch.GetElapsedTime(started).TotalMilliseconds, "delivery latency"));
            if ((int)response.StatusCode != 202) Interlocked.Increment(ref failures);
        });
        return (clock.Elapsed.TotalSeconds, latencies.Order().ToList(), failures);
    }

    private static byte[] Delivery(string cluster)
    {
        var alerts = Enumerable.Range(1, 10).Select(i => new
        {
            status = "firing",
            labels = new Dictionary<string, string> { ["alertname"] = "etcdDatabaseHighFragmentationRatio", ["cluster"] = cluster, ["instance"] = $"127.0.0.{i}:2379", ["job"] = "etcd" },
            annotations = new Dictionary<string, string> { ["description"] = "etcd database size in use is less than 50% of the actual allocated storage." },
            startsAt = "2026-11-24T09:52:26.739Z",
            endsAt = "0001-01-01T00:00:00Z",
            generatorURL = "http://127.0.0.1:9090/graph",
            fingerprint = $"{cluster}-{i}",
        });
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            receiver = "etcd-remediator", status = "firing", alerts, groupLabels = new { cluster, alertname = "etcdDatabaseHighFragmentationRatio" },
            commonLabels = new { job = "etcd" }, commonAnnotations = new { }, externalURL = "http://127.0.0.1:9093", version = "4",
            groupKey = $"{{}}:{{cluster=\"{cluster}\"}}", truncatedAlerts = 0,
        }));
    }
}
