using EtcdRemediator.Forecasting;
using EtcdRemediator.History;
using EtcdRemediator.Scheduling;
using EtcdRemediator.Tests.Remediation;
using static EtcdRemediator.Tests.Remediation.ClusterStates;
using EtcdRemediator.Watch;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>
/// Issue 34, 6(b), wired as the service wires it (the watch's readings through the history's recorder, the forecast
/// book and the responder, on a real store): the wall clock set back an hour froze the history and the forecast with
/// it, so the member growing toward its quota got no warning for the length of the step.
/// </summary>
public sealed class ForecastClockStepTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private const long QuotaBytes = 256L << 20;

    private readonly CoordinatorHarness _h = new(new RemediatorOptions
    {
        Clusters = [new ClusterOptions { Name = "lab" }],
        Watch = new WatchOptions { Interval = TimeSpan.FromMinutes(5), Remediate = false },
        Forecast = new ForecastOptions { Window = TimeSpan.FromHours(1), Horizon = TimeSpan.FromHours(24) },
    }, T0);

    public Task InitializeAsync() => _h.OpenAsync();

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task AfterTheClockIsSetBackAnHourTheHistoryKeepsRecordingAndTheForecastWarnsAsBefore()
    {
        var store = new HistoryStore(_h.Database);
        var book = new ForecastBook(store, _h.Options);
        var recorderLog = new ListLogger<HistoryRecorder>();
        var responderLog = new ListLogger<ForecastResponder>();
        IWatchObserver[] observers = [new HistoryRecorder(store, recorderLog), book, new ForecastResponder(book, _h.Coordinator, _h.Options, responderLog)];
        // The fake clock is the time that passes, a reading each 5 minutes; the wall clock is set back an hour after the second.
        var clock = new FakeTimeProvider(T0);

        for (var i = 0; i < 6; i++)
        {
            // The file and the data grow 5 MB a reading: the data's growth, which a defrag cannot help, is a warning per member.
            var wall = clock.GetUtcNow() - (i < 2 ? TimeSpan.Zero : TimeSpan.FromHours(1));
            var state = Cluster().Leader(1).Member(1, 100 + 5 * i, 40 + 5 * i).Member(2, 100 + 5 * i, 40 + 5 * i)
                .Member(3, 100 + 5 * i, 40 + 5 * i).Build() with { ReadAt = wall };
            foreach (var observer in observers) await observer.ObserveAsync(new WatchReading(state, new Quota(QuotaBytes, true)), CancellationToken.None);
            if (i == 1) Assert.Null(book.Of("lab", 1)); // two readings are too few for a forecast
            clock.Advance(TimeSpan.FromMinutes(5));
        }

        var (members, _) = await store.ReadAsync("lab", T0.AddHours(-2), T0.AddHours(1), 100, CancellationToken.None);
        Assert.All(members, m => Assert.Equal(6, m.Count));
        Assert.Equal(ForecastCause.Data, Assert.IsType<MemberForecast>(book.Of("lab", 1)).Cause);
        Assert.Equal(3, responderLog.Warnings.Count(w => w.StartsWith("Forecast for lab: member m", StringComparison.Ordinal)));
        Assert.Contains("for cluster lab", Assert.Single(recorderLog.Warnings), StringComparison.Ordinal);
    }
}
