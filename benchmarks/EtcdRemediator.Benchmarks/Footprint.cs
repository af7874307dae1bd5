namespace EtcdRemediator.Benchmarks;

/// <summary>
/// Issue 29, "measure first": the service as a real process (the build the tests use: the native executable when
/// ETCDREM_SERVICE_DIR names the image's published output, else `dotnet EtcdRemediator.dll`)
/// against a real 3-member cluster: start-up to the first answered /healthz and the first 200 from /readyz, idle RSS
/// 10 s after readiness and after the first runs (a dry run, then a real snapshot), peak RSS while a snapshot of a
/// filled member streams, and the size of the published output.
/// </summary>
public static class Footprint
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(Options options)
    {
        var megabytes = options.Get("mb", 300);
        await using var cluster = await EtcdTestCluster.StartAsync();
        var data = Directory.CreateTempSubdirectory("etcdrem-bench-").FullName;
        var settings = ServiceClient.ForCluster(cluster);
        settings["Remediator:Snapshots:Retain"] = "1";
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Remediator:Storage:Path"] = Path.Combine(data, "remediator.db");
        settings["Remediator:Snapshots:Directory"] = Path.Combine(data, "snapshots");

        // Started here rather than by ServiceProcess (which polls every 100 ms): the same command line and
        // environment, polled every 5 ms so that the start-up times are not rounded up to the poll.
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = await ServiceProcess.StartInfoAsync("--urls", url);
        info.Environment.Remove("KUBERNETES_SERVICE_HOST");
        EtcdUnderTest.AcceptAdvisories(settings);
        ServiceProcess.SetSettings(info, settings);

        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(90) };
        var output = new List<string>();
        var clock = Stopwatch.StartNew();
        var process = ChildProcesses.Start(info, line => { lock (output) output.Add(line); });
        try
        {
            var healthz = await FirstAsync(client, "/healthz", r => true, process, clock, output);
            var readyz = await FirstAsync(client, "/readyz", r => r.IsSuccessStatusCode, process, clock, output);
            await Task.Delay(Settle);
            var idle = ProcessMemory.Rss(process.Id);
            var idleParts = ProcessMemory.Parts(process.Id);

            var dry = await TriggerAsync(client, "snapshot", dryRun: true);
            var real = await TriggerAsync(client, "snapshot", dryRun: false);
            await Task.Delay(Settle);
            var afterFirst = ProcessMemory.Rss(process.Id);
            var afterParts = ProcessMemory.Parts(process.Id);

            // Free pages travel in a snapshot too: writing and deleting makes a large file quickly (as SnapshotStreaming does).
            await cluster.WriteAsync("live/", 64 * 1024 * 1024 / EtcdTestCluster.ValueSize);
            await cluster.FragmentAsync(Math.Max(0, megabytes - 64));
            var dbSize = (await cluster.StatusAsync(0)).DbSize;
            var before = ProcessMemory.Rss(process.Id);
            var peak = before;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, ProcessMemory.Rss(process.Id));
                    await Task.Delay(10);
                }
            });
            var big = await TriggerAsync(client, "snapshot", dryRun: false);
            await sampling.CancelAsync();
            await sampler;
            var hwm = ProcessMemory.Hwm(process.Id);

            await ChildProcesses.KillAsync(process);
            var published = await PublishedBytesAsync();

            Report.Table($"Footprint (service process, 3-member cluster on loopback, snapshot of a {dbSize / 1024 / 1024} MB member)",
            [
                ["", "EtcdRemediator", "target (issue 40)"],
                ["start -> first answered /healthz", Report.Ms(healthz), ""],
                ["start -> first 200 from /readyz", Report.Ms(readyz), "< 200 ms"],
                ["idle RSS, 10 s after ready (anon + file + shmem)", $"{ProcessMemory.MiB(idle)} ({idleParts})", "< 50 MiB"],
                ["first runs (?wait=60s): dry run; snapshot", $"{dry}; {real}", ""],
                ["idle RSS, 10 s after the first runs (anon + file + shmem)", $"{ProcessMemory.MiB(afterFirst)} ({afterParts})", ""],
                [$"snapshot of {dbSize / 1024 / 1024} MB (?wait=60s)", big, ""],
                ["RSS before it / peak while streaming (10 ms samples)", $"{ProcessMemory.MiB(before)} / {ProcessMemory.MiB(peak)}", "peak < 100 MiB (at 1.2 GB)"],
                ["VmHWM of the process at the end", ProcessMemory.MiB(hwm), ""],
                ["published output (as docker/Dockerfile publishes: the folder started)", $"{published / 1024.0 / 1024.0:0.0} MiB", ""],
            ]);
        }
        finally
        {
            await ChildProcesses.KillAsync(process);
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Milliseconds from the start until GET <paramref name="path"/> answers and passes <paramref name="ok"/>.</summary>
    private static async Task<double> FirstAsync(HttpClient client, string path, Func<HttpResponseMessage, bool> ok, Process process,
        Stopwatch clock, List<string> output)
    {
        var deadline = TimeSpan.FromSeconds(60);
        while (clock.Elapsed < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"the service exited: {string.Join('\n', output)}");
            try
            {
                using var response = await client.GetAsync(path);
                if (ok(response)) return clock.Elapsed.TotalMilliseconds;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(5);
        }
        throw new TimeoutException($"{path} did not pass within {deadline.TotalSeconds:0} s");
    }

    /// <summary>POST a trigger with ?wait=60s; returns "status in N s" as the caller saw it.</summary>
    private static async Task<string> TriggerAsync(HttpClient client, string action, bool dryRun)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync("/api/v1/clusters/lab/remediations?wait=60s", new { action, dryRun, force = true });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        var status = JsonDocument.Parse(body).RootElement.GetProperty("status").GetString();
        return $"{status} in {Report.S(clock.Elapsed.TotalSeconds)}";
    }

    /// <summary>The size of the folder the service was started from: the Dockerfile's published output (scripts/bench.sh
    /// publishes it once, natively, as the image holds it for one architecture), not a publish of its own.</summary>
    private static async Task<long> PublishedBytesAsync() =>
        Directory.EnumerateFiles(await ServiceProcess.FolderAsync(), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
