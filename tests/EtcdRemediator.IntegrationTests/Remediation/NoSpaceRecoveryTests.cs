using EtcdRemediator.IntegrationTests.Alerts;
using EtcdRemediator.IntegrationTests.Talos;
using Grpc.Core;

namespace EtcdRemediator.IntegrationTests.Remediation;

[Trait(EtcdVersions.Trait, EtcdVersions.DiffersByVersion)]
[StartsFirst]
public sealed class NoSpaceRecoveryTests
{
    private const long Quota = 16L * 1024 * 1024;

    [Theory]
    [EachBackend]
    public async Task RecoverCompactsDefragmentsAndDisarmsSoWritesWorkAgain(Backend backend)
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        await using var harness = await BackendHarness.StartAsync(backend, cluster);
        await cluster.WriteAsync("keep/", 20);
        await cluster.FillUntilNoSpaceAsync("fill/");
        await Assert.ThrowsAsync<RpcException>(() => cluster.PutAsync("probe", "refused under NOSPACE"));
        await cluster.DeletePrefixAsync("fill/");
        // Talos offers no compaction; on a real cluster the Kubernetes API server compacts every 5 minutes.
        if (backend == Backend.Talos) await cluster.CompactAsync();
        await using var app = new RemediatorApp(harness.Settings(quota: Quota));

        var run = await app.CreateClient().RunToEndAsync("lab", "recover");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(["inspect", "plan", "snapshot", "compact"], run.Steps.Select(s => s.Name).Take(4));
        Assert.Equal(backend == Backend.Etcd ? StepOutcome.Succeeded : StepOutcome.Skipped, run.Steps.Single(s => s.Name == "compact").Outcome);
        Assert.Equal(3, run.Steps.Count(s => s.Name == "defragment"));
        var disarm = Assert.Single(run.Steps, s => s.Name == "disarm");
        Assert.Equal(StepOutcome.Succeeded, disarm.Outcome);
        DefragEvidence.AssertSequential(DefragEvidence.Windows(cluster));
        await cluster.PutAsync("probe", "accepted again");
        Assert.Equal("accepted again", await cluster.GetAsync("probe"));
        Assert.Equal(EtcdTestCluster.ValueSize, (await cluster.GetAsync("keep/0000019"))?.Length);
    }

    /// <summary>
    /// #24 finding 4, as found: a quota full of live data, NOSPACE, the operator deletes it all with
    /// etcdctl (no compaction of their own), then `recover`. etcd 3.5 counts freed pages only after a
    /// later write commits on each member, which NOSPACE refuses: members read the deleted data as in use.
    /// </summary>
    [Fact]
    public async Task RecoverAfterTheOperatorDeletedTheDataUnderNoSpaceSucceeds()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        await cluster.FillUntilNoSpaceAsync("fill/");
        var (deleted, output) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "del", "--prefix", "fill/");
        Assert.True(deleted == 0, output);
        var settings = RemediatorApp.ForCluster(cluster, quota: Quota);
        await using var app = new RemediatorApp(settings);

        var run = await app.CreateClient().RunToEndAsync("lab", "recover");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        var (_, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", string.Join(',', cluster.Endpoints), "alarm", "list");
        Assert.DoesNotContain("NOSPACE", alarms);
        await cluster.PutAsync("probe", "accepted again");
    }

    /// <summary>
    /// #34 item 5: the in-use readings right after compaction can be stale (etcd counts pages a compaction freed only
    /// once a later write transaction begins, which NOSPACE refuses): a reading over the limit is measured by
    /// defragmenting one member. Data that truly fills the quota stops the run there, NOSPACE still armed, and says
    /// what to do; the other members are left alone.
    /// </summary>
    [Fact]
    public async Task RecoverOfDataThatTrulyFillsTheQuotaStopsAfterMeasuringOneMember()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        await cluster.FillUntilNoSpaceAsync("live/");
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster, quota: Quota));

        var run = await app.CreateClient().RunToEndAsync("lab", "recover");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("the data in use is over 90 %", run.Reason);
        Assert.Contains("was defragmented, to measure the data", run.Reason);
        Assert.Equal(StepOutcome.Failed, run.Steps.Single(s => s.Name == "measure").Outcome);
        Assert.Single(DefragEvidence.Windows(cluster));
        var (_, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", string.Join(',', cluster.Endpoints), "alarm", "list");
        Assert.Contains("NOSPACE", alarms);
    }

    /// <summary>
    /// #34 item 4: "quota low space" fires before etcd refuses writes. Its defrag is not held back by a maintenance
    /// window (it prevents the outage) and compacts nothing; once etcd has raised NOSPACE, the NOSPACE alert's
    /// recover compacts, defragments and disarms.
    /// </summary>
    [Fact]
    public async Task AQuotaLowSpaceAlertDefragmentsAtOnceOutsideTheWindowAndTheNoSpaceAlertRecovers()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        await cluster.FragmentAsync(megabytes: 8);
        var settings = RemediatorApp.ForCluster(cluster, quota: Quota);
        settings["Remediator:Clusters:0:MaintenanceWindows:0:Cron"] = $"0 {(DateTime.UtcNow.Hour + 12) % 24} * * *"; // half a day away
        settings["Remediator:Clusters:0:MaintenanceWindows:0:Duration"] = "1h";
        settings["Remediator:Policy:Cooldown"] = "0s";
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();

        var lowSpace = await PostAsync(client, Payloads.Delivery(Payloads.Alert("etcdDatabaseQuotaLowSpace")));

        Assert.Equal(("started", "defrag"), (lowSpace.GetProperty("disposition").GetString(), lowSpace.GetProperty("action").GetString()));
        var defrag = await client.WaitForRunAsync(lowSpace.GetProperty("runId").GetString()!);
        Assert.True(defrag.Status == RunStatus.Succeeded, $"{defrag.Status}: {defrag.Reason}");
        Assert.DoesNotContain(defrag.Steps, s => s.Name == "compact");
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);

        await cluster.FillUntilNoSpaceAsync("fill/");
        var (deleted, output) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "del", "--prefix", "fill/");
        Assert.True(deleted == 0, output);
        var noSpace = await PostAsync(client, Payloads.Delivery(Payloads.Alert("etcdNoSpaceAlarm")));

        Assert.Equal(("started", "recover"), (noSpace.GetProperty("disposition").GetString(), noSpace.GetProperty("action").GetString()));
        var run = await client.WaitForRunAsync(noSpace.GetProperty("runId").GetString()!, TimeSpan.FromMinutes(2));
        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(StepOutcome.Succeeded, run.Steps.Single(s => s.Name == "compact").Outcome);
        Assert.Equal(6, DefragEvidence.Windows(cluster).Count);
        var (_, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", string.Join(',', cluster.Endpoints), "alarm", "list");
        Assert.DoesNotContain("NOSPACE", alarms);
    }

    /// <summary>
    /// #34 item 4: with no alarm and the default Compact=OnNoSpace, `recover` compacted to the current revision, and
    /// a watcher's old revision was gone ("required revision has been compacted"): every quota-low alert cut
    /// kube-apiserver's watches. Witness: etcdctl reading the old revision after the run.
    /// </summary>
    [Fact]
    public async Task ARecoverWithoutAnAlarmActsAsADefragAndKeepsOldRevisions()
    {
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 8);
        await lab.Cluster.PutAsync("watched", "old");
        var (read, json) = await Tools.RunAsync("etcdctl", "--endpoints", lab.Cluster.Endpoints[0], "get", "watched", "-w", "json");
        Assert.True(read == 0, json);
        var oldRevision = JsonDocument.Parse(json).RootElement.GetProperty("kvs")[0].GetProperty("mod_revision").GetInt64();
        await lab.Cluster.PutAsync("watched", "new");

        var run = await lab.Client.RunToEndAsync("lab", "recover");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.DoesNotContain(run.Steps, s => s.Name == "compact");
        Assert.Contains("recover acts as a defrag", run.Steps.Single(s => s.Name == "plan").Detail);
        Assert.Equal(3, DefragEvidence.Windows(lab.Cluster).Count);
        var (exit, old) = await Tools.RunAsync("etcdctl", "--endpoints", lab.Cluster.Endpoints[0], "get", "watched",
            $"--rev={oldRevision}", "--print-value-only");
        Assert.True(exit == 0, old);
        Assert.Equal("old", old.Trim());
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string delivery)
    {
        using var response = await client.PostAsync("/api/v1/alerts", new StringContent(delivery, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts")[0].Clone();
    }
}
