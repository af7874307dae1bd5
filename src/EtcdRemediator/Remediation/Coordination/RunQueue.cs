namespace EtcdRemediator.Remediation.Coordination;

/// <summary>
/// Real runs waiting for a worker slot. The strongest action goes first (a NOSPACE recover before a
/// fragmentation defrag: the cluster refusing writes is the emergency), first come first served
/// within one action. Dry runs never enter it: they only read, and have their own lane.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711",
    Justification = "It is a queue of runs: the name says what it is; it does not derive from Queue<T> on purpose (it orders by strength).")]
internal sealed class RunQueue : IDisposable
{
    private readonly List<(string Id, RemediationAction Action, long Order)> _items = [];
    private readonly SemaphoreSlim _available = new(0);
    private long _next;

    public void Enqueue(string id, RemediationAction action)
    {
        lock (_items) _items.Add((id, action, _next++));
        _available.Release();
    }

    /// <summary>A queued run's action was raised by a trigger that joined it: it moves up with it.</summary>
    public void Raise(string id, RemediationAction action)
    {
        lock (_items)
        {
            var i = _items.FindIndex(x => x.Id == id);
            if (i >= 0 && action.IsStrongerThan(_items[i].Action)) _items[i] = _items[i] with { Action = action };
        }
    }

    public async Task<string> DequeueAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken);
        lock (_items)
        {
            var best = _items.OrderByDescending(x => x.Action.Of().Strength).ThenBy(x => x.Order).First();
            _items.Remove(best);
            return best.Id;
        }
    }

    public void Dispose() => _available.Dispose();
}
