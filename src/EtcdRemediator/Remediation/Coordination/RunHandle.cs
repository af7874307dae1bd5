namespace EtcdRemediator.Remediation.Coordination;

/// <summary>
/// The executor's side of a running run. The run itself is owned by the coordinator (its one reader
/// applies every change, a join's or the executor's, to the one current value, and writes it); the
/// handle keeps the executor's view of it: progress reported since the last save is applied here at
/// once, for the executor to read, and sent to the owner, in order, with the next save, whose answer
/// (the run as the owner holds it, joins included) becomes the view. Used by one executor at a time.
/// </summary>
internal sealed class RunHandle
{
    private readonly RemediationCoordinator _owner;
    private readonly Lock _gate = new();
    private RunRecord _view;
    private List<RunProgress> _unsent = [];

    internal RunHandle(RunRecord running, RemediationCoordinator owner) => (_view, _owner, Id) = (running, owner, running.Id);

    public string Id { get; }

    /// <summary>The run as the executor has changed it (joins as of the last save).</summary>
    public RunRecord Current
    {
        get { lock (_gate) return _view; }
    }

    /// <summary>Applies <paramref name="progress"/> to the executor's view; the next save sends it.</summary>
    public RunRecord Report(RunProgress progress)
    {
        lock (_gate)
        {
            _unsent.Add(progress);
            return _view = progress.ApplyTo(_view);
        }
    }

    /// <summary>Reports <paramref name="progress"/>; the owner applies and writes everything not yet sent. Returns what was written.</summary>
    public async Task<RunRecord> SaveAsync(params RunProgress[] progress)
    {
        IReadOnlyList<RunProgress> send;
        RunRecord view;
        lock (_gate)
        {
            foreach (var p in progress) _view = p.ApplyTo(_view);
            _unsent.AddRange(progress);
            (send, view, _unsent) = (_unsent, _view, []);
        }
        var saved = await _owner.ChangeAsync(Id, send, view);
        lock (_gate) _view = _unsent.Aggregate(saved, (run, later) => later.ApplyTo(run));
        return saved;
    }
}
