namespace EtcdRemediator.IntegrationTests.Scheduling;

/// <summary>
/// #34 item 3: a refused run sets no cooldown and does not count for the breaker, so the watch recorded a new
/// Refused run at every reading: one member down and Watch:Interval=1s made 40 runs in 40 s (1,440 a day at a
/// 1-minute watch, pushing the real history out of Storage:MaxRuns within a week).
/// </summary>
public sealed class RefusalBackoffTests
{
    /// <summary>The service as a process of its own, so that /metrics holds its own counters only.</summary>
    [Fact]
    public async Task WithAMemberDownTheWatchRecordsOneRefusedRunAndBacksOffWhileAnOperatorIsNotHeldBack()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 12);
        await cluster.StopMemberAsync(2);
        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Watch:Interval"] = "1s";
        settings["Remediator:Watch:Remediate"] = "true";
        settings["Remediator:Policy:Cooldown"] = "00:00:30";
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "backoff-").FullName;
        try
        {
            await using var service = await ServiceProcess.StartAsync(data, settings);
            var client = service.Client;

            // Ten readings held back: before the fix each was a Refused run of its own.
            await Poll.UntilAsync(() => client.GetStringAsync("/metrics"),
                text => PrometheusText.Value(text, "etcd_remediator_trigger_backoffs_total", "cluster=\"lab\"", "trigger=\"watch\"") >= 10,
                TimeSpan.FromSeconds(40), "ten watch readings to back off");

            var refused = Assert.Single(await RunsAsync(client));
            Assert.Equal((RunStatus.Refused, TriggerKind.Watch), (refused.Status, refused.Trigger.Kind));
            Assert.Contains("m2", refused.Reason);
            var manual = await client.TriggerAsync("lab", "defrag");
            Assert.Equal("started", manual.Disposition);
            Assert.Equal(RunStatus.Refused, (await client.WaitForRunAsync(manual.Id)).Status);
            Assert.Empty(DefragEvidence.Windows(cluster));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<List<RunRecord>> RunsAsync(HttpClient client) =>
        JsonSerializer.Deserialize<List<RunRecord>>(await client.GetStringAsync("/api/v1/remediations?cluster=lab"), JsonSerializerOptions.Web)!;
}
