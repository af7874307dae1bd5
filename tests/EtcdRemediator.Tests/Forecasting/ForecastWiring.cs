using EtcdRemediator.Forecasting;
using EtcdRemediator.History;
using EtcdRemediator.Tests.Remediation;
using EtcdRemediator.Watch;

namespace EtcdRemediator.Tests.Forecasting;

/// <summary>
/// The watch's observers wired as the service wires them, on a real store: the history's recorder, the forecast book
/// and the responder, into the real coordinator. One cluster "lab" with a 256 MiB quota, a reading every 5 minutes,
/// a 1 h window and a 24 h horizon; the watch remediates when <c>remediate</c> says so.
/// </summary>
internal sealed class ForecastWiring : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private const long QuotaBytes = 256L << 20;

    private readonly IWatchObserver[] _observers;

    private ForecastWiring(bool remediate)
    {
        Harness = new CoordinatorHarness(new RemediatorOptions
        {
            Clusters = [new ClusterOptions { Name = "lab" }],
            Watch = new WatchOptions { Interval = TimeSpan.FromMinutes(5), Remediate = remediate },
            Forecast = new ForecastOptions { Window = TimeSpan.FromHours(1), Horizon = TimeSpan.FromHours(24) },
        }, T0);
        History = new HistoryStore(Harness.Database);
        Book = new ForecastBook(History, Harness.Options);
        _observers = [new HistoryRecorder(History, RecorderLog), Book, new ForecastResponder(Book, Harness.Coordinator, Harness.Options, ResponderLog)];
    }

    public CoordinatorHarness Harness { get; }
    public HistoryStore History { get; }
    public ForecastBook Book { get; }
    public ListLogger<HistoryRecorder> RecorderLog { get; } = new();
    public ListLogger<ForecastResponder> ResponderLog { get; } = new();

    public static async Task<ForecastWiring> OpenAsync(bool remediate)
    {
        var wiring = new ForecastWiring(remediate);
        await wiring.Harness.OpenAsync();
        return wiring;
    }

    /// <summary>One watch reading of <paramref name="state"/>, passed to each observer in the service's order.</summary>
    public async Task ObserveAsync(ClusterState state)
    {
        foreach (var observer in _observers) await observer.ObserveAsync(new WatchReading(state, new Quota(QuotaBytes, true)), CancellationToken.None);
    }

    public ValueTask DisposeAsync() => Harness.DisposeAsync();
}
