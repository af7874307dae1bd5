using System.Net;
using System.Text;
using System.Text.Json;
using EtcdRemediator.IntegrationTests.Alerts;
using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;
using EtcdRemediator.IntegrationTests.Talos;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Rules;
using EtcdRemediator.Remediation.Runs;
using Grpc.Core;

namespace EtcdRemediator.IntegrationTests.Remediation;

public sealed class NoSpaceRecoveryTests
{
    private const long Quota = 16L * 1024 * 1024;

    [Theory]
    [InlineData(Backend.Etcd)]
    [InlineData(Backend.Talos)]
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
    /// "Quota low space" fires before etcd refuses writes: outside the maintenance window the recover it
    /// asks for is a defrag by another name and waits; once etcd has raised NOSPACE (the alarm list,
    /// read by the service when the alert comes again) it runs at once.
    /// </summary>
    [Fact]
    public async Task AQuotaLowSpaceAlertWaitsForTheWindowUntilNoSpaceIsRaisedThenRecoversAtOnce()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        var settings = RemediatorApp.ForCluster(cluster, quota: Quota);
        settings["Remediator:Clusters:0:MaintenanceWindows:0:Cron"] = $"0 {(DateTime.UtcNow.Hour + 12) % 24} * * *"; // half a day away
        settings["Remediator:Clusters:0:MaintenanceWindows:0:Duration"] = "1h";
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();
        var lowSpace = Payloads.Delivery(Payloads.Alert("etcdDatabaseQuotaLowSpace"));

        var first = await PostAsync(client, lowSpace);

        Assert.Equal("deferred", first.GetProperty("disposition").GetString());
        var id = first.GetProperty("runId").GetString()!;
        Assert.Empty(DefragEvidence.Windows(cluster));

        await cluster.FillUntilNoSpaceAsync("fill/");
        var (deleted, output) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "del", "--prefix", "fill/");
        Assert.True(deleted == 0, output);
        var again = await PostAsync(client, lowSpace);

        Assert.Equal(("joined", id), (again.GetProperty("disposition").GetString(), again.GetProperty("runId").GetString()));
        var run = await client.WaitForRunAsync(id, TimeSpan.FromMinutes(2));
        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Contains(run.JoinedTriggers, t => t.Effect == "released the deferred run");
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        var (_, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", string.Join(',', cluster.Endpoints), "alarm", "list");
        Assert.DoesNotContain("NOSPACE", alarms);
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string delivery)
    {
        using var response = await client.PostAsync("/api/v1/alerts", new StringContent(delivery, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts")[0].Clone();
    }
}
