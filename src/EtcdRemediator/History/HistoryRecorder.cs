using System.Collections.Concurrent;
using EtcdRemediator.Scheduling;

namespace EtcdRemediator.History;

/// <summary>
/// Keeps each watch reading in the history: every member that answered, with the cluster's quota.
/// Readings closer than <see cref="MinSpacing"/> to the last kept one are skipped, so a very short
/// <c>Watch:Interval</c> cannot grow the store past its stated bound.
/// </summary>
internal sealed class HistoryRecorder(HistoryStore store) : IWatchObserver
{
    public static readonly TimeSpan MinSpacing = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastKept = new(StringComparer.OrdinalIgnoreCase);

    public async Task ObserveAsync(WatchReading reading, CancellationToken cancellationToken)
    {
        var state = reading.State;
        if (_lastKept.TryGetValue(state.Cluster, out var last) && state.ReadAt - last < MinSpacing) return;
        var samples = state.Members
            .Where(m => m.Reachable && m.Member.Id != 0)
            .Select(m => new MemberSample(m.Member.Id, m.Member.Name, state.ReadAt, m.Status!.DbSize, m.Status.DbSizeInUse, reading.Quota.Bytes,
                m.Status.Leader == m.Member.Id, AlarmBits.Of(state.Alarms.Where(a => a.MemberId == m.Member.Id))))
            .ToList();
        if (samples.Count == 0) return;
        await store.AppendAsync(state.Cluster, samples, state.ReadAt, cancellationToken);
        _lastKept[state.Cluster] = state.ReadAt;
    }
}
