namespace EtcdRemediator.Remediation;

/// <summary>
/// Where a live run's state changes: the coordinator (joins, start) and the executor (steps, end)
/// both change it here, each change making a new <see cref="RunRecord"/> value, and each save writes
/// the latest value whole. Saves go one at a time, so an older value never overwrites a newer one.
/// </summary>
public sealed class RunHandle(RunRecord initial, RunStore store)
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _saving = new(1, 1);
    private RunRecord _current = initial;

    public string Id { get; } = initial.Id;

    public RunRecord Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>Changes the run in memory; the next save writes it.</summary>
    public RunRecord Change(Func<RunRecord, RunRecord> change)
    {
        lock (_gate) return _current = change(_current);
    }

    /// <summary>Changes the run (when given a change) and writes its latest value; returns what was written.</summary>
    public async Task<RunRecord> SaveAsync(Func<RunRecord, RunRecord>? change = null, CancellationToken cancellationToken = default)
    {
        await _saving.WaitAsync(CancellationToken.None);
        try
        {
            var value = change is null ? Current : Change(change);
            await store.SaveAsync(value, cancellationToken);
            return value;
        }
        finally
        {
            _saving.Release();
        }
    }
}
