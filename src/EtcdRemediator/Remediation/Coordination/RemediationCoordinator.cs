using System.Collections.Concurrent;
using System.Threading.Channels;
using EtcdRemediator.Calendar;
using EtcdRemediator.Configuration;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation.Policy;
using EtcdRemediator.Remediation.Runs;
using EtcdRemediator.Storage;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Remediation.Coordination;

/// <summary>
/// One run at a time per cluster, joined triggers, cooldown, breaker, maintenance windows: decided by
/// the pure <see cref="CoordinatorMachine"/>, driven here by one reader over a channel of events. That
/// reader is the only owner of the state (an immutable value, replaced whole); it carries out each
/// decision's effects before the next event, so every decision to run is in the store before the
/// caller hears about it, and an older value of a run is never written over a newer one.
/// What takes time outside the store (the NOSPACE probe, reading the store at start-up) happens before an event is sent.
/// </summary>
internal sealed class RemediationCoordinator : IDisposable
{
    private readonly RunStore _store;
    private readonly IOptions<RemediatorOptions> _options;
    private readonly MaintenanceCalendar _calendar;
    private readonly TimeProvider _time;
    private readonly INoSpaceProbe _noSpace;
    private readonly ILogger<RemediationCoordinator> _logger;
    private readonly RemediatorTelemetry _telemetry;
    private readonly CoordinatorMachine _machine;
    private readonly Channel<Sent> _events = Channel.CreateUnbounded<Sent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<string> _dryRuns = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _ends = new();
    private readonly RunQueue _queue = new();
    private readonly Task _reader;
    /// <summary>Written by the reader only; read by anyone (a value: a reader sees one whole state or the next).</summary>
    private CoordinatorState _state = CoordinatorState.Empty;

    private sealed record Sent(CoordinatorEvent Event, TaskCompletionSource<object?> Answer);

    public RemediationCoordinator(RunStore store, IOptions<RemediatorOptions> options, MaintenanceCalendar calendar, TimeProvider time,
        INoSpaceProbe noSpace, RemediatorTelemetry telemetry, ILogger<RemediationCoordinator> logger)
    {
        (_store, _options, _calendar, _time, _noSpace, _telemetry, _logger) = (store, options, calendar, time, noSpace, telemetry, logger);
        _machine = new CoordinatorMachine(options.Value.Policy, calendar);
        _reader = Task.Run(ReadAsync);
    }

    /// <inheritdoc cref="CoordinatorMachine.MaxWaitingDryRuns"/>
    public const int MaxWaitingDryRuns = CoordinatorMachine.MaxWaitingDryRuns;

    /// <summary>Real runs, strongest action first.</summary>
    public RunQueue Queue => _queue;

    /// <summary>The next dry run: read-only, in a lane of their own so they never hold up real work.</summary>
    public Task<string> NextDryRunAsync(CancellationToken cancellationToken) => _dryRuns.Reader.ReadAsync(cancellationToken).AsTask();

    public async Task<SubmitResult> SubmitAsync(RunRequest request, CancellationToken cancellationToken)
    {
        // A join writes nothing, so it would "succeed" on a store that can record nothing more.
        if (_store.Lost is { } lost) throw new StoreUnavailableException(lost);
        // A recover that would wait for the window waits only while NOSPACE is not raised: read once, before the decision.
        if (DeferralRule.MayWait(request) && DeferralRule.Defers(request, _calendar.WindowsOf(request.Cluster).StateAt(_time.GetUtcNow())))
            request = request with { NoSpace = await _noSpace.RaisedAsync(request.Cluster, cancellationToken) };
        var result = await AskAsync(new RunRequested(request, NewId()), cancellationToken);
        if (result.Disposition == Disposition.Backoff)
            _telemetry.Backoffs.Add(1, new("cluster", request.Cluster), new("trigger", request.Trigger.Kind.ToName()));
        return result;
    }

    /// <summary>Deferred runs whose window is open are queued (<see cref="ReleaseRule"/>); called every second by the scheduler.</summary>
    public Task<int> ReleaseDueAsync(CancellationToken cancellationToken) => AskAsync(new WindowsChecked(), cancellationToken);

    /// <summary>Queued -> Running: the executor's handle on it, or null when it is not queued (or could not be recorded as started).</summary>
    public async Task<RunHandle?> BeginAsync(string id, CancellationToken cancellationToken) =>
        await AskAsync(new RunBegun(id), cancellationToken) is { } running ? new RunHandle(running, this) : null;

    /// <summary>The executor's progress (<see cref="RunHandle.SaveAsync"/>): applied by the owner, written, answered with the run as it is.</summary>
    internal Task<RunRecord> ChangeAsync(string id, IReadOnlyList<RunProgress> progress, RunRecord untracked) =>
        AskAsync(new RunChanged(id, progress, untracked), CancellationToken.None);

    /// <summary>
    /// Completes when the run ends in this process (its final state is stored by then): what a caller
    /// that waits for a run awaits, instead of reading the store in a loop. Check the store after
    /// asking: a run that ended before is never signalled again.
    /// </summary>
    public Task WhenEnded(string runId) =>
        _ends.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The executor is done with the run; a stronger trigger that joined it while it ran is asked for now, as itself.</summary>
    public async Task CompleteAsync(RunHandle handle, CancellationToken cancellationToken)
    {
        var followUp = await AskAsync(new RunEnded(handle.Id), CancellationToken.None);
        if (followUp is not null) await SubmitAsync(followUp, cancellationToken);
    }

    /// <summary>
    /// At start-up, from the store: runs that were running are Interrupted (the process died under
    /// them), queued ones are queued again, and cooldown and breaker are derived from history.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await _store.ListByStatusAsync([RunStatus.Running], cancellationToken))
            await _store.SaveAsync(run.Ended(RunStatus.Interrupted,
                "the service stopped while this run was running; check the cluster and the steps before forcing another run",
                _time.GetUtcNow()), cancellationToken);
        var finished = await _store.ListByStatusAsync(
            [RunStatus.Succeeded, RunStatus.Failed, RunStatus.Interrupted, RunStatus.NothingToDo, RunStatus.Refused], cancellationToken);
        var waiting = await _store.ListByStatusAsync([RunStatus.Queued, RunStatus.Deferred], cancellationToken);
        await SendAsync(new Recovered([.. finished.OrderBy(r => r.FinishedAt ?? r.CreatedAt)], waiting), cancellationToken);
    }

    public ClusterRunState StateOf(string cluster) => Volatile.Read(ref _state).Of(cluster).Describe(_options.Value.Policy, _time.GetUtcNow());

    /// <summary>
    /// Sends the event and awaits its answer. A cancelled caller sends nothing (a run a stopping worker had
    /// dequeued stays queued, for the next start); once sent, the event is decided and carried out whole.
    /// </summary>
    private async Task<T> AskAsync<T>(CoordinatorEvent<T> e, CancellationToken cancellationToken) => (T)(await SendAsync(e, cancellationToken))!;

    private Task<object?> SendAsync(CoordinatorEvent e, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sent = new Sent(e, new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_events.Writer.TryWrite(sent), this);
        return sent.Answer.Task;
    }

    /// <summary>The one reader: events one at a time, each decided and carried out before the next.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031",
        Justification = "Whatever an event's handling throws goes to the one who sent it; the reader must live on for the next event.")]
    private async Task ReadAsync()
    {
        await foreach (var sent in _events.Reader.ReadAllAsync())
        {
            try
            {
                sent.Answer.TrySetResult(await HandleAsync(sent.Event));
            }
            catch (Exception e)
            {
                sent.Answer.TrySetException(e);
            }
        }
    }

    private async Task<object?> HandleAsync(CoordinatorEvent e)
    {
        var decision = _machine.Decide(_state, e, _time.GetUtcNow());
        if (!decision.Tentative) Volatile.Write(ref _state, decision.State);
        try
        {
            foreach (var effect in decision.Effects) await CarryOutAsync(effect);
        }
        catch (StoreUnavailableException error) when (e is RunBegun begun)
        {
            await HandleAsync(new StartNotRecorded(begun.RunId, error.Message));
            return null;
        }
        if (decision.Tentative) Volatile.Write(ref _state, decision.State);
        return decision.Answer;
    }

    private async Task CarryOutAsync(Effect effect)
    {
        switch (effect)
        {
            case SaveRun { BestEffort: false } save:
                await _store.SaveAsync(save.Run, CancellationToken.None);
                break;
            case SaveRun save:
                try { await _store.SaveAsync(save.Run, CancellationToken.None); }
                catch (StoreUnavailableException) { } // kept in memory by the store, and written once it can
                break;
            case EnqueueRun run:
                _queue.Enqueue(run.RunId, run.Action);
                break;
            case RaiseQueued raise:
                _queue.Raise(raise.RunId, raise.Action);
                break;
            case EnqueueDryRun dry:
                _dryRuns.Writer.TryWrite(dry.RunId);
                break;
            case SignalEnded ended:
                if (_ends.TryRemove(ended.RunId, out var waiter)) waiter.TrySetResult();
                break;
            case Notice notice:
                Tell(notice);
                break;
        }
    }

    private void Tell(Notice notice)
    {
        var run = notice.Run;
        switch (notice.Kind)
        {
            case NoticeKind.Released:
                _logger.LogInformation("Deferred run {RunId} of {Cluster} released: its maintenance window is open", run.Id, run.Cluster);
                break;
            case NoticeKind.MissedItsWindow:
                _logger.LogInformation(
                    "Deferred run {RunId} of {Cluster} missed its window (the service was down); it waits for the next, at {NotBefore:O}",
                    run.Id, run.Cluster, run.NotBefore);
                break;
            case NoticeKind.NotStarted:
                _logger.LogError("Run {RunId} for {Cluster} not started: the run store could not record it: {Error}", run.Id, run.Cluster,
                    notice.Error);
                break;
        }
    }

    private string NewId() => $"r-{_time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Events already sent are still carried out; none is taken after this.</summary>
    public void Dispose()
    {
        _events.Writer.TryComplete();
        _reader.Wait(TimeSpan.FromSeconds(10));
        _queue.Dispose();
    }
}
