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
        await using var lab = await ProcessScenario.StartAsync(fragmentMegabytes: 12);
        await lab.Cluster.StopMemberAsync(2);
        lab.Settings["Remediator:Watch:Interval"] = "1s";
        lab.Settings["Remediator:Watch:Remediate"] = "true";
        lab.Settings["Remediator:Policy:Cooldown"] = "00:00:30";
        await using var service = await lab.StartServiceAsync();
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
        Assert.Empty(DefragEvidence.Windows(lab.Cluster));
    }

    private static async Task<List<RunRecord>> RunsAsync(HttpClient client) =>
        JsonSerializer.Deserialize<List<RunRecord>>(await client.GetStringAsync("/api/v1/remediations?cluster=lab"), JsonSerializerOptions.Web)!;
}
