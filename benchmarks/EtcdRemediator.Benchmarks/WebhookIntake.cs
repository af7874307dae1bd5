using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EtcdRemediator.IntegrationTests.Infrastructure;

namespace EtcdRemediator.Benchmarks;

/// <summary>
/// An alert storm on loopback: deliveries of 10 alerts each (one per instance, as Alertmanager sends a
/// group) for many clusters, most of them duplicates. The clusters' members hang (black holes), so
/// every run stays busy and duplicates must join it: runs created should equal distinct clusters.
/// Then: latency from a POST to the run's first connection to an etcd member.
/// </summary>
public static class WebhookIntake
{
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

        var latencies = new ConcurrentBag<double>();
        var failures = 0;
        var random = new Random(7);
        var bodies = Enumerable.Range(0, deliveries).Select(_ => Delivery($"c{random.Next(clusters)}")).ToList();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (body, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await service.Client.PostAsync("/api/v1/alerts", content, ct);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if ((int)response.StatusCode != 202) Interlocked.Increment(ref failures);
        });
        var elapsed = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToList();
        using var runs = JsonDocument.Parse(await service.Client.GetStringAsync("/api/v1/remediations?limit=500"));
        var runCount = runs.RootElement.GetArrayLength();

        // Alert -> first etcd call: each probe cluster's member is a fresh black hole; its first connection is the run's first call.
        var firstCall = new List<double>();
        for (var p = 0; p < probes; p++)
        {
            using var content = new ByteArrayContent(Delivery($"probe{p}"));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var sent = Stopwatch.GetTimestamp();
            (await service.Client.PostAsync("/api/v1/alerts", content)).EnsureSuccessStatusCode();
            var hole = holes[clusters + p];
            while (hole.FirstConnectionAt is null) await Task.Delay(1);
            firstCall.Add(Stopwatch.GetElapsedTime(sent, hole.FirstConnectionAt.Value).TotalMilliseconds);
        }
        var firstSorted = firstCall.Order().ToList();

        Report.Table($"Webhook intake ({deliveries} deliveries x 10 alerts, {clusters} clusters, {concurrency} concurrent clients)",
        [
            ["measure", "value", "target"],
            ["alerts accepted per second", Report.F(deliveries * 10 / elapsed, "0"), ">= 10,000"],
            ["deliveries per second", Report.F(deliveries / elapsed, "0"), ""],
            ["latency p50 / p99", $"{Report.Ms(Report.Percentile(sorted, 0.5))} / {Report.Ms(Report.Percentile(sorted, 0.99))}", "p99 < 10 ms"],
            ["non-202 answers", failures.ToString(System.Globalization.CultureInfo.InvariantCulture), "0"],
            ["runs created / distinct clusters", $"{runCount} / {clusters}", "equal"],
            ["alert -> first etcd call p50 / max", $"{Report.Ms(Report.Percentile(firstSorted, 0.5))} / {Report.Ms(firstSorted[^1])}", "< 50 ms"],
        ]);
        await service.DisposeAsync();
        foreach (var hole in holes) hole.Dispose();
        Directory.Delete(data, recursive: true);
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
