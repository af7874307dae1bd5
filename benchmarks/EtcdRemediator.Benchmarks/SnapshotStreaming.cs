using Offsite = EtcdRemediator.Snapshots.Offsite;

namespace EtcdRemediator.Benchmarks;

/// <summary>
/// A snapshot of a large member by the service (stream, verify, fsync, rename, sidecar) against
/// `etcdctl snapshot save`, alternating, and the service's resident memory while it streams. etcdctl does not
/// verify what it saved: the fair anchor for a verified snapshot is `snapshot save` followed by `snapshot status`
/// (etcdutl's on 3.5 and later, etcdctl's on 3.4), which reads the file again and checks its hash.
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
        var baseline = ProcessMemory.Rss(service.ProcessId);

        var etcdctl = new List<double>();
        var verified = new List<double>();
        var etcdctlPeak = 0L;
        var ours = new List<double>();
        var peak = 0L;
        for (var round = 0; round < rounds; round++)
        {
            var file = Path.Combine(data, "etcdctl.db");
            async Task ByEtcdctl()
            {
                var (seconds, peakBytes) = await PeakAsync("etcdctl", "--endpoints", cluster.Endpoints[1], "snapshot", "save", file);
                etcdctl.Add(seconds);
                etcdctlPeak = Math.Max(etcdctlPeak, peakBytes);
                verified.Add(seconds + await Report.TimeAsync(StatusTool(), "snapshot", "status", file));
                File.Delete(file);
            }
            async Task ByService()
            {
                var (run, runPeak) = await PeakWhileAsync(service.ProcessId, () => ServiceClient.RunAsync(service, "lab", "snapshot"));
                peak = Math.Max(peak, runPeak);
                ours.Add(run.Run.Steps.Single(s => s.Name == "snapshot").DurationSeconds!.Value);
            }
            if (round % 2 == 0) { await ByEtcdctl(); await ByService(); }
            else { await ByService(); await ByEtcdctl(); }
        }

        Report.Table($"Snapshot of a {dbSize / 1024 / 1024} MB member ({rounds} rounds, medians)",
        [
            ["", "EtcdRemediator (stream + verify + fsync)", "anchor", "ratio (target <= 1.0)"],
            ["vs. etcdctl snapshot save + snapshot status (verified)", Report.S(Report.Median(ours)), Report.S(Report.Median(verified)),
                Report.F(Report.Median(ours) / Report.Median(verified))],
            ["vs. etcdctl snapshot save alone", Report.S(Report.Median(ours)), Report.S(Report.Median(etcdctl)),
                Report.F(Report.Median(ours) / Report.Median(etcdctl))],
            ["all rounds (ours; save; save + status)", string.Join(", ", ours.Select(Report.S)),
                $"{string.Join(", ", etcdctl.Select(Report.S))}; {string.Join(", ", verified.Select(Report.S))}", ""],
            ["RSS: service before / peak while streaming; etcdctl save's peak", $"{ProcessMemory.MiB(baseline)} / {ProcessMemory.MiB(peak)}",
                ProcessMemory.MiB(etcdctlPeak), "peak < 100 MiB"],
        ]);
        await service.DisposeAsync();
        Directory.Delete(data, recursive: true);
        if (options.Get("offsite", 1) != 0) await OffsiteAsync(cluster, dbSize, peak);
    }

    /// <summary>
    /// The same snapshot run with its off-site copy (docs/configuration.md, "Off-site copies"): encrypted with age while
    /// it is read and sent to s3rver as a multipart upload, inside the snapshot step. Its peak is compared with the local
    /// snapshot's alone (issue 36: under 32 MiB more for a 1 GB snapshot: one 8 MiB part and one 64 KiB chunk held).
    /// </summary>
    private static async Task OffsiteAsync(EtcdTestCluster cluster, long dbSize, long localPeak)
    {
        var data = Directory.CreateTempSubdirectory("etcdrem-bench-offsite-").FullName;
        await using var s3 = await S3Server.StartAsync(logRequests: true);
        var identity = Path.Combine(data, "key.txt");
        var (keygen, said) = await Tools.RunAsync("age-keygen", "-o", identity);
        if (keygen != 0) throw new InvalidOperationException($"age-keygen: {said}");
        var settings = ServiceClient.ForCluster(cluster);
        settings["Remediator:Snapshots:Retain"] = "1";
        s3.Configure(settings);
        settings["Remediator:Snapshots:Offsite:AgeRecipients:0"] = (await Tools.RunAsync("age-keygen", "-y", identity)).Output.Trim();
        await using var service = await ServiceClient.StartAsync(data, settings);
        var baseline = ProcessMemory.Rss(service.ProcessId);

        var ((run, _), peak) = await PeakWhileAsync(service.ProcessId, () => ServiceClient.RunAsync(service, "lab", "snapshot"));

        var step = run.Steps.Single(s => s.Name == "snapshot");
        if (run.Snapshot is not { } snapshot) throw new InvalidOperationException($"no snapshot: {run.Status} {run.Reason}");
        var parts = await s3.PartsOfAsync($"etcd-remediator/lab/{Path.GetFileName(snapshot.Path)}.age");
        Report.Table($"Snapshot of a {dbSize / 1024 / 1024} MB member with its off-site copy (age, multipart upload to s3rver)",
        [
            ["", "EtcdRemediator", "target"],
            ["run", $"{run.Status}; snapshot step {Report.S(step.DurationSeconds!.Value)} (local snapshot, then encrypt + upload)", ""],
            ["parts uploaded", $"{parts} of {ProcessMemory.MiB(Offsite.MultipartUploadStream.DefaultPartSize)}", "several"],
            ["RSS: service before / peak while encrypting and uploading", $"{ProcessMemory.MiB(baseline)} / {ProcessMemory.MiB(peak)}", ""],
            ["RSS peak over the local snapshot's alone (previous table)", ProcessMemory.MiB(peak - localPeak), "< 32 MiB"],
        ]);
        await service.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }

    /// <summary>Runs <paramref name="work"/> while sampling the process's resident memory every 10 ms; its result and the peak.</summary>
    private static async Task<(T Result, long Peak)> PeakWhileAsync<T>(int pid, Func<Task<T>> work)
    {
        var peak = ProcessMemory.Rss(pid);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessMemory.Rss(pid));
                await Task.Delay(10);
            }
        });
        var result = await work();
        await sampling.CancelAsync();
        await sampler;
        return (result, peak);
    }

    /// <summary>etcdutl where it exists (3.5 and later moved `snapshot status` there), else etcdctl (3.4).</summary>
    private static string StatusTool() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "etcdutl"))) ? "etcdutl" : "etcdctl";

    /// <summary>
    /// Runs a command to completion; its wall time and its peak resident set (the kernel's ru_maxrss of the waited-for
    /// child, read by a python3 parent: .NET's Process does not expose it, and sampling /proc would miss a late peak).
    /// </summary>
    private static async Task<(double Seconds, long PeakBytes)> PeakAsync(string file, params string[] arguments)
    {
        const string parent = "import resource,subprocess,sys,time\n" +
            "t=time.monotonic(); subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL)\n" +
            "print('peak', time.monotonic()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
        var (exit, output) = await Tools.RunAsync("python3", ["-c", parent, file, .. arguments]);
        if (exit != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {output}");
        // The child's log lines (stderr) and ours (stdout) arrive in either order: ours is the one marked.
        var fields = output.Split('\n').Single(l => l.StartsWith("peak ", StringComparison.Ordinal)).Trim().Split(' ');
        return (double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) * 1024);
    }
}
