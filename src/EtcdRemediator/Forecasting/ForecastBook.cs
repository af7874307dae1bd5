using System.Collections.Concurrent;
using EtcdRemediator.Configuration;
using EtcdRemediator.History;
using EtcdRemediator.Watch;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Forecasting;

/// <summary>A member's forecast as last made: for the status API and the gauge, which cannot wait for the store.</summary>
internal sealed record MemberForecastEntry(string Cluster, ulong MemberId, string Member, MemberForecast Forecast);

/// <summary>
/// After each watch reading (registered after the history's recorder, so the reading is kept first),
/// forecasts every member of that cluster from the store's last <c>Forecast:Window</c>, and keeps them.
/// </summary>
internal sealed class ForecastBook(HistoryStore store, IOptions<RemediatorOptions> options) : IWatchObserver
{
    /// <summary>Samples a member's window is read at: 6 h at a 1-minute watch is 360, read as kept.</summary>
    public const int MaxSamples = 500;

    private readonly ConcurrentDictionary<string, IReadOnlyList<MemberForecastEntry>> _latest = new(StringComparer.OrdinalIgnoreCase);

    public async Task ObserveAsync(WatchReading reading, CancellationToken cancellationToken)
    {
        var now = reading.State.ReadAt;
        var window = options.Value.Forecast.Window;
        // No upper bound: after a step back of the clock, the readings before it carry times after now, and the forecaster
        // puts them back on one time line with those after it (Forecaster's remarks).
        var (members, _) = await store.ReadAsync(reading.State.Cluster, now - window, DateTimeOffset.MaxValue, MaxSamples, cancellationToken);
        _latest[reading.State.Cluster] = [.. members
            .Select(m => (Sample: m[^1], Forecast: Forecaster.Of(m, now, window)))
            .Where(x => x.Forecast is not null)
            .Select(x => new MemberForecastEntry(reading.State.Cluster, x.Sample.MemberId, x.Sample.MemberName, x.Forecast!))];
    }

    public MemberForecast? Of(string cluster, ulong memberId) =>
        _latest.TryGetValue(cluster, out var entries) ? entries.FirstOrDefault(e => e.MemberId == memberId)?.Forecast : null;

    public IEnumerable<MemberForecastEntry> All => _latest.Values.SelectMany(e => e);
}
