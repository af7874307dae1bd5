namespace EtcdRemediator.Benchmarks;

/// <summary>
/// Two identically fragmented 3-member clusters; on one the bare routine an operator types
/// (etcdctl endpoint status, snapshot save, defrag followers then leader, alarm disarm), on the
/// other one `defrag` run of the service with PauseBetweenMembers 0. Rounds alternate which goes
/// first; the table reports medians.
/// </summary>
public static class RemediationVsEtcdctl
{
    public static async Task RunAsync(Options options)
    {
        var live = options.Get("mb-live", 100);
        var free = options.Get("mb-free", 200);
        var rounds = options.Get("rounds", 3);
        // --cold 1: a service started just before each of its runs (its start-up warm-up has no time to hide the cold path).
        var cold = options.Get("cold", 0) == 1;
        await using var byHand = await EtcdTestCluster.StartAsync();
        await using var bySvc = await EtcdTestCluster.StartAsync();
        var data = Directory.CreateTempSubdirectory("etcdrem-bench-").FullName;
        var settings = ServiceClient.ForCluster(bySvc);
        settings["Remediator:Policy:PauseBetweenMembers"] = "00:00:00";
        var service = await ServiceClient.StartAsync(data, settings);
        await Task.WhenAll(byHand.WriteAsync("live/", live * 1024 * 1024 / EtcdTestCluster.ValueSize), bySvc.WriteAsync("live/", live * 1024 * 1024 / EtcdTestCluster.ValueSize));

        var etcdctlTimes = new List<double>();
        var serviceTimes = new List<double>();
        var etcdctlSteps = new Dictionary<string, List<double>>();
        var serviceSteps = new Dictionary<string, List<double>>();
        for (var round = 0; round < rounds; round++)
        {
            await Task.WhenAll(byHand.FragmentAsync(free, keep: $"k{round}/"), bySvc.FragmentAsync(free, keep: $"k{round}/"));
            Console.WriteLine($"round {round + 1}: db {(await bySvc.StatusAsync(0)).DbSize / 1024 / 1024} MB per member, {live} MB in use");
            async Task ByHand() => etcdctlTimes.Add(await EtcdctlRoutineAsync(byHand, Path.Combine(data, $"etcdctl-{round}.db"), etcdctlSteps));
            async Task BySvc()
            {
                if (cold)
                {
                    await service.DisposeAsync();
                    service = await ServiceClient.StartAsync(data, settings);
                }
                var (run, seconds) = await ServiceClient.RunAsync(service, "lab", "defrag");
                if (run.Status != Remediation.RunStatus.Succeeded) throw new InvalidOperationException($"{run.Status}: {run.Reason}");
                serviceTimes.Add(seconds);
                foreach (var group in run.Steps.GroupBy(s => s.Name))
                    Add(serviceSteps, group.Key, group.Sum(s => s.DurationSeconds ?? 0));
            }
            if (round % 2 == 0) { await ByHand(); await BySvc(); }
            else { await BySvc(); await ByHand(); }
        }

        await service.DisposeAsync();
        var ratio = Report.Median(serviceTimes) / Report.Median(etcdctlTimes);
        Report.Table($"Remediation vs. etcdctl ({live} MB in use + {free} MB free per member, {rounds} rounds, medians{(cold ? "; the service started just before each of its runs" : "")})",
        [
            ["", "etcdctl routine", "EtcdRemediator run", "ratio (target <= 1.15)"],
            ["wall time", Report.S(Report.Median(etcdctlTimes)), Report.S(Report.Median(serviceTimes)), Report.F(ratio)],
            ["all rounds", string.Join(", ", etcdctlTimes.Select(Report.S)), string.Join(", ", serviceTimes.Select(Report.S)), ""],
        ]);
        Report.Table("Per step (medians, summed over members)",
            etcdctlSteps.Select(s => new[] { "etcdctl " + s.Key, Report.S(Report.Median(s.Value)) })
                .Concat(serviceSteps.Select(s => new[] { "service " + s.Key, Report.S(Report.Median(s.Value)) }))
                .Prepend(["step", "time"]));
        Directory.Delete(data, recursive: true);
    }

    private static async Task<double> EtcdctlRoutineAsync(EtcdTestCluster cluster, string snapshotFile, Dictionary<string, List<double>> steps)
    {
        var endpoints = string.Join(",", cluster.Endpoints);
        var total = 0.0;
        async Task Step(string name, params string[] args)
        {
            var seconds = await Report.TimeAsync("etcdctl", args);
            Add(steps, name, seconds);
            total += seconds;
        }
        var statusClock = System.Diagnostics.Stopwatch.StartNew();
        var leader = await cluster.LeaderIndexAsync(); // what `etcdctl endpoint status` tells the operator
        await Report.TimeAsync("etcdctl", "--endpoints", endpoints, "endpoint", "status");
        Add(steps, "endpoint status", statusClock.Elapsed.TotalSeconds);
        total += statusClock.Elapsed.TotalSeconds;
        await Step("snapshot save", "--endpoints", cluster.Endpoints[(leader + 1) % 3], "snapshot", "save", snapshotFile);
        var order = Enumerable.Range(0, 3).Where(i => i != leader).Append(leader);
        var defrag = 0.0;
        foreach (var member in order)
        {
            var seconds = await Report.TimeAsync("etcdctl", "--endpoints", cluster.Endpoints[member], "--command-timeout", "10m", "defrag");
            defrag += seconds;
            total += seconds;
        }
        Add(steps, "defrag (3 members)", defrag);
        await Step("alarm disarm", "--endpoints", endpoints, "alarm", "disarm");
        File.Delete(snapshotFile);
        return total;
    }

    private static void Add(Dictionary<string, List<double>> steps, string name, double seconds)
    {
        if (!steps.TryGetValue(name, out var list)) steps[name] = list = [];
        list.Add(seconds);
    }
}
