using EtcdRemediator.Api;
using EtcdRemediator.Forecasting;

namespace EtcdRemediator.IntegrationTests.Forecasting;

/// <summary>
/// Real clusters whose files grow toward a small quota: when the data grows, the forecast says when and that it is
/// the data, and nothing runs; when the file grows on free pages, a defrag starts early, with trigger kind forecast.
/// </summary>
// The gauge is read off a service process of its own: OpenTelemetry listens to meters by name process-wide, so a
// service in the test host exports every other one's series too. Its cluster also has a name of its own.
public sealed class ForecastTests
{
    private const long Quota = 256L * 1024 * 1024;

    [Fact]
    public async Task GrowingLiveDataIsForecastAsDataWithADateInTheStatusAndAGauge()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        var settings = RemediatorApp.ForCluster(cluster, "forecast-data");
        settings["Remediator:Watch:Interval"] = "1s";
        settings["Remediator:Watch:Remediate"] = "true"; // the forecast may act: growing data must still start nothing
        // "Fragmented" must not hinge on a few pages: a fresh member's 32 KB file can be half free
        // (seen on 3.5.30 with the machine loaded: the watch's own rule defragmented 12 KB).
        settings["Remediator:Policy:MinReclaimableBytes"] = "1MiB";
        settings["Remediator:Forecast:Window"] = "1m";
        await using var service = await ServiceProcess.StartAsync(cluster.ScratchDirectory("service"), settings);
        var client = service.Client;
        using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // About 1 MB a second of new keys: the data in use and the file grow together.
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !writing.IsCancellationRequested; i++)
            {
                await cluster.WriteAsync($"grow/{i:D4}/", 100);
                await Task.Delay(1000);
            }
        });
        try
        {
            var status = await Poll.UntilAsync(() => client.GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/forecast-data/status")!,
                s => s!.Members.All(m => m.Forecast is not null), TimeSpan.FromSeconds(60), "a forecast of every member");
            var now = DateTimeOffset.UtcNow;

            Assert.All(status!.Members, m =>
            {
                var forecast = m.Forecast!;
                Assert.Equal(ForecastCause.Data, forecast.Cause);
                Assert.InRange(forecast.QuotaReachedAt, now, now.AddHours(2)); // ~250 MB to go at ~1 MB/s
                Assert.True(forecast.WithinHorizon);
                Assert.True(forecast.InUseGrowthBytesPerHour > 100L * 1024 * 1024, $"{forecast}");
            });
            var list = await client.GetStringAsync("/api/v1/clusters");
            Assert.Contains("\"cause\":\"data\"", list, StringComparison.Ordinal);
            var metrics = await client.GetStringAsync("/metrics");
            foreach (var member in status.Members)
                Assert.InRange(PrometheusText.Value(metrics, "etcdremediator_member_quota_exhausted_in_seconds", "cluster=\"forecast-data\"", $"member=\"{member.Name}\""), 1, 2 * 3600);
            // A defrag would not help growing data: no run, whatever the watch may do.
            Assert.Equal("[]", await client.GetStringAsync("/api/v1/remediations?cluster=forecast-data"));
        }
        finally
        {
            await writing.CancelAsync();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task AFileGrowingOnFreePagesIsDefragmentedEarlyByTheForecastBeforeNoSpace()
    {
        await using var lab = await LabScenario.StartAsync(configure: s =>
        {
            s["Remediator:Watch:Interval"] = "1s";
            s["Remediator:Watch:Remediate"] = "true";
            // The watch's own threshold must not act first (the files grow mostly free): only the forecast may start this run.
            s["Remediator:Policy:MinFragmentationRatio"] = "0.999";
            s["Remediator:Forecast:Window"] = "1m";
        }, clusterOptions: new EtcdTestClusterOptions { QuotaBackendBytes = Quota, ExtraArguments = ["--max-request-bytes", "16777216"] });
        using var growing = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        // One value rewritten ever larger and the old one compacted away: each needs a longer run of contiguous pages
        // than the last one freed, so bbolt extends the file while the data in use grows a fifth as fast (measured by hand
        // with etcdctl on 3.5.30: file 2.0 -> 9.9 MB, in use 0.33 -> 1.6 MB over 80 rewrites).
        var grower = Task.Run(async () =>
        {
            for (var i = 1; !growing.IsCancellationRequested && i < 400; i++)
            {
                await lab.Cluster.PutAsync("big", new string('a', 100_000 + i * 40_000));
                await lab.Cluster.PutAsync($"small/{i}", "x");
                await lab.Cluster.CompactAsync();
            }
        });
        try
        {
            var early = await Poll.UntilAsync(() => RunsAsync(lab), runs => runs.Any(r => r.Trigger.Kind == TriggerKind.Forecast),
                TimeSpan.FromSeconds(100), "a run started by the forecast");
            await growing.CancelAsync();
            await grower.ContinueWith(_ => { }, TaskScheduler.Default);
            var run = await lab.Client.WaitForRunAsync(early.Single(r => r.Trigger.Kind == TriggerKind.Forecast).Id);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Equal(RemediationAction.Defrag, run.Action);
            Assert.DoesNotContain(await RunsAsync(lab), r => r.Trigger.Kind == TriggerKind.Watch); // the forecast acted, not a threshold
            var windows = DefragEvidence.Windows(lab.Cluster); // etcd's own log: every member defragmented, one at a time
            Assert.Equal(["m0", "m1", "m2"], windows.Select(w => w.Member).Order());
            DefragEvidence.AssertSequential(windows);
            var (exit, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", string.Join(',', lab.Cluster.Endpoints), "alarm", "list");
            Assert.True(exit == 0 && !alarms.Contains("NOSPACE", StringComparison.Ordinal), alarms); // before NOSPACE, not after
        }
        finally
        {
            await growing.CancelAsync();
            await grower.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task<List<RunRecord>> RunsAsync(LabScenario lab) =>
        JsonSerializer.Deserialize<List<RunRecord>>(await lab.Client.GetStringAsync("/api/v1/remediations?cluster=lab"), JsonSerializerOptions.Web)!;
}
