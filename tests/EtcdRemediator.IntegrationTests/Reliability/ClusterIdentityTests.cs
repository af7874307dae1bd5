using System.Text.Json;
using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Runs;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// Every etcd answer names its cluster. Endpoints of two clusters under one name once had the
/// service defragment cluster B three times, never A, and file B's snapshot under A's name.
/// </summary>
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
