using System.Collections.Concurrent;
using EtcdRemediator.Watch;

namespace EtcdRemediator.History;

/// <summary>
/// Keeps each watch reading in the history: every member that answered, with the cluster's quota.
/// Readings 0 to <see cref="MinSpacing"/> after the last kept one are skipped, so a very short
/// <c>Watch:Interval</c> cannot grow the store past its stated bound.
///
/// A reading from before the last kept one means the wall clock was set back: it is kept all the same, in
/// arrival order, as the first of a new clock epoch (<see cref="MemberSample.ClockEpoch"/>), and one warning
/// per step names the cluster and its size. Skipping it instead would freeze the history, and the forecast
/// made from it, for the length of the step. The last kept reading is read back from the store after a
/// restart, so a step taken while the service was down is seen too.
/// </summary>
internal sealed class HistoryRecorder(HistoryStore store, ILogger<HistoryRecorder> logger) : IWatchObserver
{
    public static readonly TimeSpan MinSpacing = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, int ClockEpoch)?> _lastKept = new(StringComparer.OrdinalIgnoreCase);

    public async Task ObserveAsync(WatchReading reading, CancellationToken cancellationToken)
    {
        var state = reading.State;
        if (!_lastKept.TryGetValue(state.Cluster, out var last))
            last = _lastKept[state.Cluster] = await store.LastKeptAsync(state.Cluster, cancellationToken);
        var sinceLast = last is { } l ? state.ReadAt - l.At : TimeSpan.MaxValue;
        if (sinceLast >= TimeSpan.Zero && sinceLast < MinSpacing) return;
        var epoch = (last?.ClockEpoch ?? 0) + (sinceLast < TimeSpan.Zero ? 1 : 0);
        var samples = state.Members
            .Where(m => m.Reachable && m.Member.Id != 0)
            .Select(m => new MemberSample(m.Member.Id, m.Member.Name, state.ReadAt, m.Status!.DbSize, m.Status.DbSizeInUse, reading.Quota.Bytes,
                m.Status.Leader == m.Member.Id, AlarmBits.Of(state.Alarms.Where(a => a.MemberId == m.Member.Id)), epoch))
            .ToList();
        if (samples.Count == 0) return;
        await store.AppendAsync(state.Cluster, samples, state.ReadAt, cancellationToken);
        _lastKept[state.Cluster] = (state.ReadAt, epoch);
        // Said once the reading is kept: the next readings come after it, so one step is one warning.
        if (sinceLast < TimeSpan.Zero)
            logger.LogWarning("The wall clock went back at least {Step} for cluster {Cluster}: a reading at {ReadAt:O} came after one kept " +
                "at {LastKept:O}; the history keeps both in arrival order (clock epoch {Epoch}) and the forecast goes on across the step",
                -sinceLast, state.Cluster, state.ReadAt, last!.Value.At, epoch);
    }
}
