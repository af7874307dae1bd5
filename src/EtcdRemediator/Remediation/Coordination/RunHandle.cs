using EtcdRemediator.Remediation.Runs;
namespace EtcdRemediator.Remediation.Coordination;

/// <summary>
/// The executor's side of a running run. The run itself is owned by the coordinator (its one reader
/// applies every change, a join's or the executor's, to the one current value, and writes it); the
/// handle keeps the executor's view of it: changes made since the last save are applied here at once,
/// for the executor to read, and sent to the owner as one event with the next save, whose answer (the
/// run as the owner holds it, joins included) becomes the view. Used by one executor at a time.
/// </summary>
internal sealed class RunHandle
{
    private readonly RemediationCoordinator _owner;
    private readonly Lock _gate = new();
    private RunRecord _view;
    private Func<RunRecord, RunRecord>? _unsent;

    internal RunHandle(RunRecord running, RemediationCoordinator owner) => (_view, _owner, Id) = (running, owner, running.Id);

    public string Id { get; }

    /// <summary>The run as the executor has changed it (joins as of the last save).</summary>
    public RunRecord Current
    {
        get { lock (_gate) return _view; }
    }

    /// <summary>Changes the run in the executor's view; the next save sends it.</summary>
    public RunRecord Change(Func<RunRecord, RunRecord> change)
    {
        lock (_gate)
        {
            var before = _unsent;
            _unsent = before is null ? change : r => change(before(r));
            return _view = change(_view);
        }
    }

    /// <summary>Changes the run (when given a change); the owner applies and writes every change not yet sent. Returns what was written.</summary>
    public async Task<RunRecord> SaveAsync(Func<RunRecord, RunRecord>? change = null, CancellationToken cancellationToken = default)
    {
        Func<RunRecord, RunRecord> send;
        RunRecord view;
        if (change is not null) Change(change);
        lock (_gate) (send, view, _unsent) = (_unsent ?? (r => r), _view, null);
        var saved = await _owner.ChangeAsync(Id, send, view);
        lock (_gate) _view = _unsent is { } later ? later(saved) : saved;
        return saved;
    }
}
