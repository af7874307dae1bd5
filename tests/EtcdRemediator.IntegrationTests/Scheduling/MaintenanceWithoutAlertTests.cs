using EtcdRemediator.IntegrationTests.Alerts;
using Xunit.Abstractions;

namespace EtcdRemediator.IntegrationTests.Scheduling;

/// <summary>
/// Schedules, maintenance windows and the watch on a real 3-member cluster, with seconds-level crons
/// so that a test waits seconds, not days. etcd's own defragment log lines are the witness.
/// </summary>
// The one test that reads /metrics starts the service as a process of its own: the class runs beside the others.
[StartsFirst]
public sealed class MaintenanceWithoutAlertTests(ITestOutputHelper output)
{
    /// <summary>A window opens every 20 s for 5 s; a member's defragment must fit it, so the timeout is 5 s too.</summary>
    private static void ShortWindows(Dictionary<string, string?> settings)
    {
        settings["Remediator:Clusters:0:MaintenanceWindows:0:Cron"] = "0/20 * * * * *";
        settings["Remediator:Clusters:0:MaintenanceWindows:0:Duration"] = "5s";
        settings["Remediator:Policy:DefragTimeout"] = "5s";
    }

    private static async Task<List<RunRecord>> RunsAsync(HttpClient client) =>
        JsonSerializer.Deserialize<List<RunRecord>>(await client.GetStringAsync("/api/v1/remediations?cluster=lab"), System.Text.Json.JsonSerializerOptions.Web)!;

    private static async Task<JsonElement> MaintenanceAsync(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/clusters"));
        return doc.RootElement[0].GetProperty("maintenance").Clone();
    }

    /// <summary>Waits until the window is closed with at least 4 s before it opens, so what is sent next meets it closed.</summary>
    private static async Task<DateTimeOffset> WindowClosedAsync(HttpClient client)
    {
        var window = await Poll.UntilAsync(async () => (await MaintenanceAsync(client)).GetProperty("window"),
            w => !w.GetProperty("open").GetBoolean() && w.GetProperty("nextOpensAt").GetDateTimeOffset() - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(4),
            TimeSpan.FromSeconds(30), "the maintenance window to be closed");
        return window.GetProperty("nextOpensAt").GetDateTimeOffset();
    }

    [Fact]
    public async Task AScheduleDefragmentsAFragmentedClusterThenFindsItHealthyAndDoesNothing()
    {
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 12, configure: settings =>
        {
            settings["Remediator:Clusters:0:Schedules:0:Action"] = "defrag";
            settings["Remediator:Clusters:0:Schedules:0:Cron"] = "*/3 * * * * *";
            settings["Remediator:Scheduling:Jitter"] = "0s";
            settings["Remediator:Policy:Cooldown"] = "0s"; // so the next occurrence is not held back by the first run's success
        });
        var (cluster, client) = (lab.Cluster, lab.Client);

        var runs = await Poll.UntilAsync(() => RunsAsync(client),
            r => r.Any(x => x.Status == RunStatus.NothingToDo) && r.Any(x => x.Status == RunStatus.Succeeded),
            TimeSpan.FromMinutes(2), "a scheduled defrag, then a scheduled run that finds nothing to do");

        Assert.All(runs, r => Assert.Equal(TriggerKind.Schedule, r.Trigger.Kind));
        var defrag = runs.Single(r => r.Status == RunStatus.Succeeded);
        var idle = runs.Where(r => r.Status == RunStatus.NothingToDo).MinBy(r => r.CreatedAt)!;
        output.WriteLine($"{defrag.Id} {defrag.Trigger.Source}: reclaimed {defrag.ReclaimedBytes}; then {idle.Id}: {idle.Reason}");
        Assert.True(idle.CreatedAt > defrag.FinishedAt);
        Assert.Contains("schedule 0 (defrag at '*/3 * * * * *')", defrag.Trigger.Source, StringComparison.Ordinal);
        Assert.Equal(3, defrag.Plan.Count);
        // etcd: three defragments, one per member, all from the one run that had work.
        var windows = DefragEvidence.Windows(cluster);
        Assert.Equal(3, windows.Count);
        Assert.Equal(defrag.Plan.Select(p => p.Name), windows.Select(w => w.Member));
        Assert.True(defrag.ReclaimedBytes > 3 * 10L * 1024 * 1024, $"reclaimed {defrag.ReclaimedBytes}");

        // The cluster API shows the schedule's next run, after now.
        var schedule = (await MaintenanceAsync(client)).GetProperty("schedules")[0];
        Assert.Equal("defrag", schedule.GetProperty("action").GetString());
        Assert.True(schedule.GetProperty("nextRunAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(-3));
    }

    [Fact]
    public async Task AnAlertOutsideTheWindowIsDeferredAndRunsWhenTheWindowOpens()
    {
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 12, configure: ShortWindows);
        var (cluster, client) = (lab.Cluster, lab.Client);

        var opens = await WindowClosedAsync(client);
        var response = await client.PostAsync("/api/v1/alerts",
            new StringContent(Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio")), Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var disposition = body.GetProperty("alerts")[0];
        Assert.Equal("deferred", disposition.GetProperty("disposition").GetString());
        Assert.Contains("maintenance window", disposition.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var id = disposition.GetProperty("runId").GetString()!;
        var deferred = await client.GetRunAsync(id);
        Assert.Equal((RunStatus.Deferred, opens), (deferred.Status, deferred.NotBefore));
        Assert.Equal(id, (await MaintenanceAsync(client)).GetProperty("deferredRunId").GetString());
        Assert.Empty(DefragEvidence.Windows(cluster));

        var run = await client.WaitForRunAsync(id, TimeSpan.FromMinutes(1));

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.True(run.StartedAt >= opens, $"started {run.StartedAt:O}, window opened {opens:O}");
        var windows = DefragEvidence.Windows(cluster);
        output.WriteLine($"window opened {opens:HH:mm:ss.fff}; etcd defragments: {string.Join(", ", windows.Select(w => $"{w.Member} {w.Started:HH:mm:ss.fff}"))}");
        Assert.Equal(3, windows.Count);
        Assert.All(windows, w => Assert.True(w.Started >= opens, $"{w.Member} defragmented at {w.Started:O}, before the window opened at {opens:O}"));
    }

    [Fact]
    public async Task AManualDefragOutsideTheWindowSaysWhenItWillStartAndAForcedOneRunsNow()
    {
        await using var lab = await LabScenario.StartAsync(configure: settings =>
        {
            ShortWindows(settings);
            settings["Remediator:Clusters:0:MaintenanceWindows:0:Cron"] = "0 0 3 * * 6"; // Saturdays 03:00: not during this test
            settings["Remediator:Clusters:0:MaintenanceWindows:0:Duration"] = "2h";
            // "Healthy" must not hinge on a few pages: a fresh etcd 3.4 member's 36 KB file can be half
            // free (seen in CI: 16 KB reclaimed), which the default of 0 bytes counts as fragmented.
            settings["Remediator:Policy:MinReclaimableBytes"] = "1MiB";
        });
        var client = lab.Client;

        var waiting = await client.TriggerAsync("lab", "defrag");
        var forced = await client.TriggerAsync("lab", "defrag", force: true);

        Assert.Equal(("deferred", "Deferred"), (waiting.Disposition, waiting.Status));
        Assert.True(waiting.NotBefore > DateTimeOffset.UtcNow, $"notBefore {waiting.NotBefore:O}");
        Assert.Contains("\"force\": true", waiting.Reason, StringComparison.Ordinal);
        Assert.Equal(("joined", waiting.Id), (forced.Disposition, forced.Id)); // the forced trigger released the waiting run
        var run = await client.WaitForRunAsync(waiting.Id);
        Assert.True(run.Status is RunStatus.NothingToDo, $"{run.Status}: {run.Reason}"); // a healthy cluster: thresholds still apply
    }

    /// <summary>
    /// The service as a process of its own: /metrics must show this service's gauges alone (in one test
    /// process, OpenTelemetry listens to every meter of the same name, whichever test's app made it).
    /// </summary>
    [Fact]
    public async Task TheWatchExportsWhatItReadsAndWithRemediationOnFixesAFragmentedMemberWithoutAnyAlert()
    {
        await using var lab = await ProcessScenario.StartAsync(fragmentMegabytes: 12);
        var cluster = lab.Cluster;
        lab.Settings["Remediator:Watch:Interval"] = "1s";
        lab.Settings["Remediator:Policy:PauseBetweenMembers"] = "0s";

        // Watching only: the gauges show every member's fragmentation, and nothing is started.
        await using (var watching = await lab.StartServiceAsync())
        {
            var client = watching.Client;
            var metrics = await Poll.UntilAsync(() => client.GetStringAsync("/metrics"),
                text => cluster.Members.All(m => PrometheusText.Value(text, "etcd_remediator_member_fragmentation_ratio", $"member=\"{m.Name}\"") > 0.5),
                TimeSpan.FromSeconds(30), "the watch's fragmentation gauges");
            for (var i = 0; i < cluster.Members.Count; i++)
            {
                var status = await cluster.StatusAsync(i);
                var size = PrometheusText.Value(metrics, "etcd_remediator_member_db_size_bytes", $"member=\"{cluster.Members[i].Name}\"");
                output.WriteLine($"{cluster.Members[i].Name}: gauge {size}, etcd now {status.DbSize}");
                Assert.Equal(status.DbSize, size, tolerance: 64 * 1024); // etcd's own figure, within a few pages of later writes
            }
            Assert.Equal(1, PrometheusText.Value(metrics, "etcd_remediator_member_leader", "cluster=\"lab\""));
            Assert.True(PrometheusText.Value(metrics, "etcd_remediator_member_quota_bytes", $"member=\"{cluster.Members[0].Name}\"") > 0);
            var readAt = PrometheusText.Value(metrics, "etcd_remediator_watch_last_read_timestamp_seconds", "cluster=\"lab\"");
            await Poll.UntilAsync(() => client.GetStringAsync("/metrics"),
                text => PrometheusText.Value(text, "etcd_remediator_watch_last_read_timestamp_seconds", "cluster=\"lab\"") > readAt + 1,
                TimeSpan.FromSeconds(30), "two more watch readings");
            Assert.Empty(await RunsAsync(client));
            Assert.Empty(DefragEvidence.Windows(cluster));
        }

        lab.Settings["Remediator:Watch:Remediate"] = "true";
        await using var remediating = await lab.StartServiceAsync();
        var runs = await Poll.UntilAsync(() => RunsAsync(remediating.Client), r => r.Any(x => !x.IsActive), TimeSpan.FromMinutes(2), "the watch's run to end");

        var run = Assert.Single(runs);
        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(TriggerKind.Watch, run.Trigger.Kind);
        Assert.Contains("fragmented", run.Trigger.Source, StringComparison.Ordinal);
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        // The next readings show the members compact again, and the watch starts nothing more.
        await Poll.UntilAsync(() => remediating.Client.GetStringAsync("/metrics"),
            text => cluster.Members.All(m => PrometheusText.Value(text, "etcd_remediator_member_db_size_bytes", $"member=\"{m.Name}\"") is > 0 and < 4 * 1024 * 1024
                                             && PrometheusText.Value(text, "etcd_remediator_member_fragmentation_ratio", $"member=\"{m.Name}\"") < 0.5),
            TimeSpan.FromSeconds(30), "the watch to read the defragmented members");
        Assert.Single(await RunsAsync(remediating.Client));
    }

    [Fact]
    public async Task AServiceRestartedWithADeferredRunStillRunsItOnce()
    {
        await using var lab = await ProcessScenario.StartAsync(fragmentMegabytes: 12);
        ShortWindows(lab.Settings);

        // Real processes: a restart is a process that ends and one that starts on the same store.
        string id;
        DateTimeOffset opens;
        await using (var first = await lab.StartServiceAsync())
        {
            opens = await WindowClosedAsync(first.Client);
            var answer = await first.Client.TriggerAsync("lab", "defrag");
            Assert.Equal("deferred", answer.Disposition);
            id = answer.Id;
        } // stopped before the window opens: the run is only in the store
        Assert.True(DateTimeOffset.UtcNow < opens, "the first service stopped before the window opened");

        await using var second = await lab.StartServiceAsync();
        var restarted = second.Client;
        var run = await restarted.WaitForRunAsync(id, TimeSpan.FromMinutes(1));

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Single(await RunsAsync(restarted));
        var windows = DefragEvidence.Windows(lab.Cluster);
        Assert.Equal(3, windows.Count); // once: one defragment per member
        Assert.All(windows, w => Assert.True(w.Started >= opens));
    }
}
