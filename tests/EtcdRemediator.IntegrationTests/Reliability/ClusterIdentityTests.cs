namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// Every etcd answer names its cluster. Endpoints of two clusters under one name once had the
/// service defragment cluster B three times, never A, and file B's snapshot under A's name.
/// </summary>
[Trait(EtcdVersions.Trait, EtcdVersions.DiffersByVersion)]
public sealed class ClusterIdentityTests
{
    [Fact]
    public async Task EndpointsOfTwoClustersUnderOneNameAreRefusedNamingBothAndNothingIsTouched()
    {
        await using var a = await EtcdTestCluster.StartAsync();
        await using var b = await EtcdTestCluster.StartAsync();
        await a.FragmentAsync(megabytes: 8);
        await b.FragmentAsync(megabytes: 8);
        await using var app = new RemediatorApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "mix",
            ["Remediator:Clusters:0:Endpoints:0"] = b.Endpoints[0],
            ["Remediator:Clusters:0:Endpoints:1"] = a.Endpoints[0],
            ["Remediator:Clusters:0:Endpoints:2"] = a.Endpoints[1],
        });

        var run = await app.CreateClient().RunToEndAsync("mix", "defrag", force: true);

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains("more than one etcd cluster", run.Reason);
        Assert.Contains(await ClusterIdOfAsync(a), run.Reason);
        Assert.Contains(await ClusterIdOfAsync(b), run.Reason);
        Assert.Null(run.Snapshot);
        Assert.Empty(DefragEvidence.Windows(a));
        Assert.Empty(DefragEvidence.Windows(b));
    }

    /// <summary>
    /// #34 item 1: `a` (endpoint m1) and `b` (endpoint m2) named one cluster; a defrag posted to both at once ran two
    /// defragmentations side by side on m3 and m1, and on m2 one leadership transfer aborted the other.
    /// </summary>
    [Fact]
    public async Task OneClusterUnderTwoNamesIsDefragmentedByOneRunWhicheverNameIsAsked()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 12);
        await using var app = new RemediatorApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "a",
            ["Remediator:Clusters:0:Endpoints:0"] = cluster.Endpoints[0],
            ["Remediator:Clusters:1:Name"] = "b",
            ["Remediator:Clusters:1:Endpoints:0"] = cluster.Endpoints[1],
        });
        var client = app.CreateClient();

        var answers = await Task.WhenAll(client.TriggerAsync("a", "defrag", force: true), client.TriggerAsync("b", "defrag", force: true));
        var runs = await Task.WhenAll(answers.Select(a => client.WaitForRunAsync(a.Id)));

        var done = Assert.Single(runs, r => r.Status == RunStatus.Succeeded);
        var refused = Assert.Single(runs, r => r.Status == RunStatus.Refused);
        Assert.Contains($"'{refused.Cluster}' answers as etcd cluster {await ClusterIdOfAsync(cluster)}", refused.Reason);
        Assert.Contains($"already configured as '{done.Cluster}'", refused.Reason);
        Assert.DoesNotContain(refused.Steps, s => s.Name is "snapshot" or "defragment");
        var windows = DefragEvidence.Windows(cluster);
        Assert.Equal(3, windows.Count);
        DefragEvidence.AssertSequential(windows);
        Assert.DoesNotContain(cluster.Members.SelectMany(m => m.Log), l => l.Message.Contains("abort previous transferring leadership",
            StringComparison.Ordinal));
        // Whichever name comes later keeps being refused; /readyz names both.
        Assert.Equal(RunStatus.Refused, (await client.RunToEndAsync(refused.Cluster, "snapshot", force: true)).Status);
        var ready = System.Text.RegularExpressions.Regex.Unescape(await client.GetStringAsync("/readyz"));
        Assert.Contains($"'{refused.Cluster}' answers as etcd cluster", ready);
        Assert.Contains($"already configured as '{done.Cluster}'", ready);
    }

    [Fact]
    public async Task TheSnapshotSidecarRecordsTheClusterIdEtcdctlReports()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.WriteAsync("data/", 20);
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var run = await app.CreateClient().RunToEndAsync("lab", "snapshot");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        using var sidecar = JsonDocument.Parse(await File.ReadAllTextAsync(run.Snapshot!.Path + ".json"));
        Assert.Equal(await ClusterIdOfAsync(cluster), sidecar.RootElement.GetProperty("clusterId").GetString());
    }

    [Fact]
    public async Task ARebuiltClusterIsRefusedUntilItsOldSnapshotsAreMovedAway()
    {
        await using var before = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { Members = 1 });
        await using var rebuilt = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { Members = 1 });
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "rebuilt-").FullName;
        try
        {
            await using (var app = new RemediatorApp(RemediatorApp.ForCluster(before), data))
                Assert.Equal(RunStatus.Succeeded, (await app.CreateClient().RunToEndAsync("lab", "snapshot")).Status);
            await using var again = new RemediatorApp(RemediatorApp.ForCluster(rebuilt), data);

            var refused = await again.CreateClient().RunToEndAsync("lab", "snapshot", force: true);
            Directory.Move(Path.Combine(data, "snapshots", "lab"), Path.Combine(data, "lab-before-rebuild"));
            var accepted = await again.CreateClient().RunToEndAsync("lab", "snapshot");

            Assert.Equal(RunStatus.Refused, refused.Status);
            Assert.Contains($"now answers as etcd cluster {await ClusterIdOfAsync(rebuilt)}", refused.Reason);
            Assert.Contains($"snapshots are of cluster {await ClusterIdOfAsync(before)}", refused.Reason);
            Assert.Equal(RunStatus.Succeeded, accepted.Status);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The witness: etcdctl's own reading of the cluster id, in the service's hex form.</summary>
    private static async Task<string> ClusterIdOfAsync(EtcdTestCluster cluster)
    {
        var (exit, output) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "member", "list", "-w", "json");
        Assert.True(exit == 0, output);
        return JsonDocument.Parse(output).RootElement.GetProperty("header").GetProperty("cluster_id").GetUInt64().ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    }
}
