using System.Diagnostics;
using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;

namespace EtcdRemediator.Benchmarks;

/// <summary>
/// A snapshot of a large member by the service (stream, verify, fsync, rename, sidecar) against
/// `etcdctl snapshot save`, alternating, and the service's resident memory while it streams.
/// </summary>
public static class SnapshotStreaming
{
    public static async Task RunAsync(Options options)
    {
        var megabytes = options.Get("mb", 1024);
        var rounds = options.Get("snapshot-rounds", 3);
        await using var cluster = await EtcdTestCluster.StartAsync();
        // Free pages travel in a snapshot too: writing and deleting makes a large file quickly.
        await cluster.WriteAsync("live/", 64 * 1024 * 1024 / EtcdTestCluster.ValueSize);
        await cluster.FragmentAsync(megabytes - 64);
        var dbSize = (await cluster.StatusAsync(0)).DbSize;
        var data = Directory.CreateTempSubdirectory("etcdrem-bench-").FullName;
        var settings = ServiceClient.ForCluster(cluster);
        settings["Remediator:Snapshots:Retain"] = "1";
        await using var service = await ServiceClient.StartAsync(data, settings);
        var baseline = Rss(service.ProcessId);

        var etcdctl = new List<double>();
        var ours = new List<double>();
        var peak = 0L;
        for (var round = 0; round < rounds; round++)
        {
            var file = Path.Combine(data, "etcdctl.db");
            async Task ByEtcdctl()
            {
                etcdctl.Add(await Report.TimeAsync("etcdctl", "--endpoints", cluster.Endpoints[1], "snapshot", "save", file));
                File.Delete(file);
            }
            async Task ByService()
            {
                using var sampling = new CancellationTokenSource();
                var sampler = Task.Run(async () =>
                {
                    while (!sampling.IsCancellationRequested)
                    {
                        peak = Math.Max(peak, Rss(service.ProcessId));
                        await Task.Delay(10);
                    }
                });
                var (run, _) = await ServiceClient.RunAsync(service, "lab", "snapshot");
                await sampling.CancelAsync();
                await sampler;
                ours.Add(run.Steps.Single(s => s.Name == "snapshot").DurationSeconds!.Value);
            }
            if (round % 2 == 0) { await ByEtcdctl(); await ByService(); }
            else { await ByService(); await ByEtcdctl(); }
        }

        Report.Table($"Snapshot of a {dbSize / 1024 / 1024} MB member ({rounds} rounds, medians)",
        [
            ["", "etcdctl snapshot save", "EtcdRemediator (stream + verify + fsync)", "ratio (target <= 1.0)"],
            ["time", Report.S(Report.Median(etcdctl)), Report.S(Report.Median(ours)), Report.F(Report.Median(ours) / Report.Median(etcdctl))],
            ["all rounds", string.Join(", ", etcdctl.Select(Report.S)), string.Join(", ", ours.Select(Report.S)), ""],
            ["service RSS", "", $"{baseline / 1024 / 1024} MiB before, {peak / 1024 / 1024} MiB peak while streaming (target < 150 MB)", ""],
        ]);
        Directory.Delete(data, recursive: true);
    }

    /// <summary>Resident set size now (VmRSS), in bytes.</summary>
    private static long Rss(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024)
            .Single();
}
