using System.Net.Http.Json;
using EtcdRemediator.Api;
using EtcdRemediator.Forecasting;
using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;

namespace EtcdRemediator.IntegrationTests.Forecasting;

/// <summary>A real cluster whose live data grows toward a small quota: the forecast says when, and that it is the data.</summary>
public sealed class ForecastTests
{
    private const long Quota = 256L * 1024 * 1024;

    [Fact]
    public async Task GrowingLiveDataIsForecastAsDataWithADateInTheStatusAndAGauge()
    {
        await using var lab = await LabScenario.StartAsync(clusterOptions: new EtcdTestClusterOptions { QuotaBackendBytes = Quota }, configure: s =>
        {
            s["Remediator:Watch:Interval"] = "1s";
            s["Remediator:Watch:Remediate"] = "true"; // the forecast may act: growing data must still start nothing
            // "Fragmented" must not hinge on a few pages: a fresh member's 32 KB file can be half free
            // (seen on 3.5.30 with the machine loaded: the watch's own rule defragmented 12 KB).
            s["Remediator:Policy:MinReclaimableBytes"] = "1MiB";
            s["Remediator:Forecast:Window"] = "1m";
        });
        using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // About 1 MB a second of new keys: the data in use and the file grow together.
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !writing.IsCancellationRequested; i++)
            {
                await lab.Cluster.WriteAsync($"grow/{i:D4}/", 100);
                await Task.Delay(1000);
            }
        });
        try
        {
            var status = await Poll.UntilAsync(() => lab.Client.GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status")!,
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
            var list = await lab.Client.GetStringAsync("/api/v1/clusters");
            Assert.Contains("\"cause\":\"data\"", list, StringComparison.Ordinal);
            var metrics = await lab.Client.GetStringAsync("/metrics");
            foreach (var member in status.Members)
                Assert.InRange(PrometheusText.Value(metrics, "etcdremediator_member_quota_exhausted_in_seconds", $"member=\"{member.Name}\""), 1, 2 * 3600);
            // A defrag would not help growing data: no run, whatever the watch may do.
            Assert.Equal("[]", await lab.Client.GetStringAsync("/api/v1/remediations?cluster=lab"));
        }
        finally
        {
            await writing.CancelAsync();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
