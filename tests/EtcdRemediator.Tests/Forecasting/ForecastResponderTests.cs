using EtcdRemediator.Forecasting;
using EtcdRemediator.History;
using EtcdRemediator.Scheduling;
using EtcdRemediator.Tests.Remediation;
using Microsoft.Extensions.Logging.Abstractions;
using static EtcdRemediator.Tests.Remediation.ClusterStates;
using EtcdRemediator.Watch;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>
/// The forecast acting, wired as the service wires it (the watch's readings through the history, the
/// forecast book and the responder, into the real coordinator on a real store): a file that grows on
/// free pages toward its quota gets a defrag early; growing data gets none.
/// </summary>
public sealed class ForecastResponderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private const long QuotaBytes = 256L << 20;

    private readonly CoordinatorHarness _h = new(new RemediatorOptions
    {
        Clusters = [new ClusterOptions { Name = "lab" }],
        Watch = new WatchOptions { Interval = TimeSpan.FromMinutes(5), Remediate = true },
        Forecast = new ForecastOptions { Window = TimeSpan.FromHours(1), Horizon = TimeSpan.FromHours(24) },
    }, T0);

    public Task InitializeAsync() => _h.OpenAsync();

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    /// <summary>Twelve readings five minutes apart: the file grows 5 MB each, the data as <paramref name="inUseGrowthMb"/> says.</summary>
    private async Task FeedAsync(int inUseGrowthMb)
    {
        var store = new HistoryStore(_h.Database);
        var book = new ForecastBook(store, _h.Options);
        IWatchObserver[] observers = [new HistoryRecorder(store, NullLogger<HistoryRecorder>.Instance), book, new ForecastResponder(book, _h.Coordinator, _h.Options, NullLogger<ForecastResponder>.Instance)];
        for (var i = 0; i < 12; i++)
        {
            var (file, inUse) = (100 + 5 * i, 40 + inUseGrowthMb * i);
            var state = Cluster().Leader(1).Member(1, file, inUse).Member(2, file, inUse).Member(3, file, inUse).Build() with { ReadAt = T0.AddMinutes(5 * i) };
            _h.Time.SetUtcNow(state.ReadAt);
            foreach (var observer in observers) await observer.ObserveAsync(new WatchReading(state, new Quota(QuotaBytes, true)), CancellationToken.None);
        }
    }

    [Fact]
    public async Task AFileGrowingOnFreePagesTowardItsQuotaGetsAnEarlyDefragOfEveryMember()
    {
        await FeedAsync(inUseGrowthMb: 0);

        var run = Assert.Single(await _h.Store.ListAsync("lab", 10, CancellationToken.None));
        Assert.Equal((RemediationAction.Defrag, TriggerKind.Forecast, true), (run.Action, run.Trigger.Kind, run.IgnoreThresholds));
        Assert.Contains("on free pages", run.Trigger.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrowingDataStartsNothing()
    {
        await FeedAsync(inUseGrowthMb: 5);

        Assert.Empty(await _h.Store.ListAsync("lab", 10, CancellationToken.None));
    }
}
