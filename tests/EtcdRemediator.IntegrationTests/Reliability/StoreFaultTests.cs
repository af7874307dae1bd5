using EtcdRemediator.IntegrationTests.Alerts;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// "202" promises that the work is recorded. A store that can no longer record must say so:
/// readiness fails, Alertmanager gets 503 (and retries), and no run is left "Running" forever.
/// </summary>
public sealed class StoreFaultTests
{
    private static void DeleteStore(RemediatorApp app)
    {
        foreach (var file in Directory.GetFiles(app.DataDirectory, "remediator.db*").Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
            File.Delete(file);
    }

    private static StringContent Delivery() =>
        new(Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio")), Encoding.UTF8, "application/json");

    [Fact]
    public async Task ADeletedRunStoreFailsReadinessAndAlertsGet503SoAlertmanagerRetries()
    {
        await using var app = new RemediatorApp(RemediatorApp.ForUnreachableCluster());
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/alerts", Delivery())).StatusCode);

        DeleteStore(app);
        var alert = await client.PostAsync("/api/v1/alerts", Delivery());
        var manual = await client.PostTriggerAsync("lab", "snapshot", force: true);
        var ready = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, alert.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, manual.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("was deleted", await ready.Content.ReadAsStringAsync());
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "remediator.db")), "a deleted store is never recreated empty");
    }

    [Fact]
    public async Task AStoreLostMidRunEndsTheRunVisiblyInsteadOfRunningForever()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 8);
        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Policy:PauseBetweenMembers"] = "00:00:02";
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();
        var id = (await client.TriggerAsync("lab", "defrag", force: true)).Id;
        await Poll.UntilAsync(() => client.GetRunAsync(id), r => r.Steps.Any(s => s.Name == "pause"), TimeSpan.FromSeconds(60), "the first pause");

        DeleteStore(app);
        var run = await client.WaitForRunAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("run store could not record", run.Reason);
        Assert.Single(DefragEvidence.Windows(cluster)); // stopped at the next step it could not record
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
    }
}
