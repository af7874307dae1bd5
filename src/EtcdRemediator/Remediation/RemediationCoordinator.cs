using System.Threading.Channels;
using EtcdRemediator.Calendar;
using EtcdRemediator.Configuration;
using EtcdRemediator.Storage;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Remediation;

/// <summary>
/// One run at a time per cluster. A trigger for a cluster with a queued or running run joins it
/// (the stronger action wins while it is queued; a running one is followed by the stronger run).
/// Alert triggers respect the cooldown after a success and the per-cluster circuit breaker.
/// A defrag outside the cluster's maintenance window is deferred: recorded, and queued when the window
/// opens (<see cref="ReleaseDueAsync"/>). Every decision to run is in the store before the caller hears about it.
/// </summary>
public sealed class RemediationCoordinator(RunStore store, IOptions<RemediatorOptions> options, MaintenanceCalendar calendar, TimeProvider time,
    INoSpaceProbe noSpace, ILogger<RemediationCoordinator> logger) : IDisposable
{
    private readonly RunQueue _queue = new();
    private readonly Channel<string> _dryRuns = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, Tracked> _clusters = new(StringComparer.OrdinalIgnoreCase);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _ends = new();

    private sealed class Tracked
    {
        public RunHandle? Active;
        /// <summary>The stronger trigger that joined a running run: it runs next, as itself (its own force).</summary>
        public RunRequest? FollowUp;
        public RunHistory History = RunHistory.None;
    }

    /// <summary>Dry runs read every member of a cluster: more than this waiting is a client looping, not a person.</summary>
    public const int MaxWaitingDryRuns = 32;

    private PolicyOptions Policy => options.Value.Policy;

    /// <summary>Real runs, strongest action first.</summary>
    public RunQueue Queue => _queue;

    private int _dryRunsWaiting;

    /// <summary>The next dry run: read-only, in a lane of their own so they never hold up real work.</summary>
    public async Task<string> NextDryRunAsync(CancellationToken cancellationToken)
    {
        var id = await _dryRuns.Reader.ReadAsync(cancellationToken);
        Interlocked.Decrement(ref _dryRunsWaiting);
        return id;
    }

    private async Task EnqueueAsync(RunRecord run, CancellationToken cancellationToken)
    {
        if (run.DryRun)
        {
            Interlocked.Increment(ref _dryRunsWaiting);
            await _dryRuns.Writer.WriteAsync(run.Id, cancellationToken);
        }
        else _queue.Enqueue(run.Id, run.Action);
    }

    public async Task<SubmitResult> SubmitAsync(RunRequest request, CancellationToken cancellationToken)
    {
        // A join writes nothing, so it would "succeed" on a store that can record nothing more.
        if (store.Lost is { } lost) throw new StoreUnavailableException(lost);
        // A recover that would wait for the window waits only while NOSPACE is not raised: read once, outside the lock.
        if (DeferralRule.MayWait(request) && DeferralRule.Defers(request, calendar.WindowsOf(request.Cluster).StateAt(time.GetUtcNow())))
            request = request with { NoSpace = await noSpace.RaisedAsync(request.Cluster, cancellationToken) };
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var tracked = Track(request.Cluster);
            if (request.DryRun && Volatile.Read(ref _dryRunsWaiting) >= MaxWaitingDryRuns)
                return new SubmitResult(Disposition.Busy, null, $"{MaxWaitingDryRuns} dry runs are waiting already; ask again when they have ended",
                    time.GetUtcNow().AddSeconds(5));
            if (!request.DryRun && tracked.Active is { } active)
                return await JoinAsync(tracked, active, request, cancellationToken);
            var now = time.GetUtcNow();
            if (AdmissionRule.Check(request, request.Cluster, tracked.History, Policy, now) is { } refusal)
                return new SubmitResult(refusal.Disposition, null, refusal.Reason, refusal.RetryAfter);

            var window = calendar.WindowsOf(request.Cluster).StateAt(now);
            var deferred = DeferralRule.Defers(request, window);
            var run = new RunRecord
            {
                Id = NewId(),
                Cluster = request.Cluster,
                Action = request.Action,
                DryRun = request.DryRun,
                Force = request.Force,
                IgnoreThresholds = request.IgnoreThresholds,
                Trigger = request.Trigger,
                CreatedAt = now,
                Status = deferred ? RunStatus.Deferred : RunStatus.Queued,
                NotBefore = deferred ? window.NextOpensAt : null,
            };
            await store.SaveAsync(run, cancellationToken);
            if (!run.DryRun) tracked.Active = new RunHandle(run, store);
            if (deferred)
                return new SubmitResult(Disposition.Deferred, run, DeferralRule.Explain(run), run.NotBefore);
            await EnqueueAsync(run, cancellationToken);
            return new SubmitResult(Disposition.Started, run);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// A join is written only when it changes what the run will do (a stronger action while it waits,
    /// or a deferred run released because the joined request may not wait: a recover, a forced run);
    /// otherwise the run is already durable and the caller's own record (the alert audit) says it joined.
    /// </summary>
    private async Task<SubmitResult> JoinAsync(Tracked tracked, RunHandle active, RunRequest request, CancellationToken cancellationToken)
    {
        var current = active.Current;
        // A joiner passes the same admission as a new trigger (breaker, the cooldown of what it asks
        // for) before it may change what the run does: joining is no way around either.
        if (AdmissionRule.Check(request, request.Cluster, tracked.History, Policy, time.GetUtcNow()) is { } refusal)
            return new SubmitResult(refusal.Disposition, null, refusal.Reason, refusal.RetryAfter);
        // What the run already is decides; an option the joiner asked for and the run lacks is said, not dropped silently.
        var dropped = request.IgnoreThresholds && !current.IgnoreThresholds
            ? $"joined run {current.Id}, which keeps the thresholds: ignoreThresholds applies only to a run of its own; " +
              $"ask again once this one has ended"
            : null;
        if (current.Status is RunStatus.Queued or RunStatus.Deferred)
        {
            // Not started: nothing but this coordinator (under its lock) changes it now.
            var raised = request.Action.IsStrongerThan(current.Action);
            var action = raised ? request.Action : current.Action;
            // Released only when the joiner, asking for what the run will do, would not wait: its force,
            // NOSPACE or deadline count; who asked counts only when it asked for that action itself (an
            // operator's unforced defrag joining a deferred recover from an alert does not release it).
            var asking = request with { Action = action, Trigger = request.Action == action ? request.Trigger : current.Trigger };
            var release = current.Status == RunStatus.Deferred
                && !DeferralRule.Defers(asking, calendar.WindowsOf(current.Cluster).StateAt(time.GetUtcNow()));
            var effect = release ? $"released the deferred run{(raised ? $" as {action.ToName()}" : "")}"
                : raised ? $"raised the action to {action.ToName()}" : null;
            var joined = current.Joined(request.Trigger with { Force = request.Force, Effect = effect }) with
            {
                Action = action,
                Status = release ? RunStatus.Queued : current.Status,
                NotBefore = release ? null : current.NotBefore, // a released run waits for nothing
                // A stronger action runs with the force of whoever asked for it, never more.
                Force = raised ? request.Force : current.Force,
            };
            active.Change(_ => joined);
            if (raised || release) await active.SaveAsync(cancellationToken: cancellationToken);
            if (release) _queue.Enqueue(active.Id, action);
            else if (raised && joined.Status == RunStatus.Queued) _queue.Raise(active.Id, request.Action);
        }
        else
        {
            // Running: the executor writes it as it goes, and the join with it.
            active.Change(r => r.Joined(request.Trigger with { Force = request.Force }));
            tracked.FollowUp = FollowUpRule.Choose(tracked.FollowUp, request, current.Action);
        }
        return new SubmitResult(Disposition.Joined, active.Current, dropped);
    }

    /// <summary>
    /// Deferred runs are queued only while a window of their cluster is open. Called every second by
    /// the scheduler; returns how many were released. A run whose promised start passed while the
    /// service was down and the window closed again waits for the next opening, and says when.
    /// </summary>
    public async Task<int> ReleaseDueAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            List<RunHandle> waiting;
            lock (_clusters) waiting = [.. _clusters.Values.Select(t => t.Active).OfType<RunHandle>()
                .Where(a => a.Current.Status == RunStatus.Deferred)];
            var released = 0;
            foreach (var handle in waiting)
            {
                var run = handle.Current;
                var windows = calendar.WindowsOf(run.Cluster);
                if (!windows.IsOpen(now))
                {
                    if (run.NotBefore <= now && windows.StateAt(now).NextOpensAt is { } next)
                    {
                        await handle.SaveAsync(r => r with { NotBefore = next }, cancellationToken);
                        logger.LogInformation(
                            "Deferred run {RunId} of {Cluster} missed its window (the service was down); it waits for the next, at {NotBefore:O}",
                            run.Id, run.Cluster, next);
                    }
                    continue;
                }
                // Recorded as the release it is (not counted as a join), in the same save.
                await handle.SaveAsync(r => r with
                {
                    Status = RunStatus.Queued, NotBefore = null,
                    JoinedTriggers = [.. r.JoinedTriggers,
                        new RunTrigger(TriggerKind.Window, "the maintenance window opened", Effect: "released the deferred run")],
                }, cancellationToken);
                _queue.Enqueue(run.Id, run.Action);
                logger.LogInformation("Deferred run {RunId} of {Cluster} released: its maintenance window is open", run.Id, run.Cluster);
                released++;
            }
            return released;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Queued -> Running, under the same lock that joins triggers, so no join is lost.</summary>
    public async Task<RunHandle?> BeginAsync(string id, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            // A real run is the cluster's active one, in memory; only a dry run is read from the store.
            RunHandle? tracked;
            lock (_clusters) tracked = _clusters.Values.Select(t => t.Active).FirstOrDefault(a => a?.Id == id);
            RunHandle run;
            if (tracked is not null) run = tracked;
            else if (await store.GetAsync(id, cancellationToken) is { DryRun: true } stored) run = new RunHandle(stored, store);
            else return null;
            if (run.Current.Status != RunStatus.Queued) return null;
            try
            {
                await run.SaveAsync(r => r with { Status = RunStatus.Running, StartedAt = time.GetUtcNow() }, cancellationToken);
            }
            catch (StoreUnavailableException e)
            {
                // Not started, and the cluster must not stay "busy" with it: end it here, where every
                // later trigger would otherwise join a run that never runs.
                var ended = run.Change(r =>
                    r.Ended(RunStatus.Failed, $"not started: the run store could not record its start ({e.Message})", time.GetUtcNow()));
                if (!ended.DryRun) Track(ended.Cluster).Active = null;
                logger.LogError("Run {RunId} for {Cluster} not started: the run store could not record it: {Error}", ended.Id, ended.Cluster,
                    e.Message);
                try { await run.SaveAsync(cancellationToken: CancellationToken.None); }
                catch (StoreUnavailableException) { } // kept in memory by the store, and written once it can
                return null;
            }
            return run;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Completes when the run ends in this process (its final state is stored by then): what a caller
    /// that waits for a run awaits, instead of reading the store in a loop. Check the store after
    /// asking: a run that ended before is never signalled again.
    /// </summary>
    public Task WhenEnded(string runId) =>
        _ends.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async Task CompleteAsync(RunHandle handle, CancellationToken cancellationToken)
    {
        var run = handle.Current;
        if (_ends.TryRemove(run.Id, out var ended)) ended.TrySetResult();
        await _lock.WaitAsync(CancellationToken.None);
        RunRequest? followUp;
        try
        {
            if (run.DryRun) return;
            var tracked = Track(run.Cluster);
            Account(tracked, run);
            tracked.Active = null;
            followUp = tracked.FollowUp;
            tracked.FollowUp = null;
        }
        finally
        {
            _lock.Release();
        }
        // A follow-up is the joining trigger's own run: an alert's follow-up meets the breaker and the
        // cooldown like any alert, whatever force the run it joined had.
        if (followUp is { } next && run.Status != RunStatus.Interrupted)
            await SubmitAsync(next with
            {
                DryRun = false,
                Trigger = new RunTrigger(TriggerKind.FollowUp,
                    $"{next.Trigger.Kind.ToName()} ({next.Trigger.Source}) asked for {next.Action.ToName()} while run {run.Id} was running"),
            }, cancellationToken);
    }

    /// <summary>
    /// At start-up, from the store: runs that were running are Interrupted (the process died under
    /// them), queued ones are queued again, and cooldown and breaker are derived from history.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await store.ListByStatusAsync([RunStatus.Running], cancellationToken))
            await store.SaveAsync(run.Ended(RunStatus.Interrupted,
                "the service stopped while this run was running; check the cluster and the steps before forcing another run",
                time.GetUtcNow()), cancellationToken);
        // The whole finished history, in the order the runs ended, through the same rule as live:
        // the same history always leaves the same breaker and cooldown.
        var finished = await store.ListByStatusAsync(
            [RunStatus.Succeeded, RunStatus.Failed, RunStatus.Interrupted, RunStatus.NothingToDo, RunStatus.Refused], cancellationToken);
        foreach (var run in finished.Where(r => !r.DryRun).OrderBy(r => r.FinishedAt ?? r.CreatedAt))
            Account(Track(run.Cluster), run);
        foreach (var run in await store.ListByStatusAsync([RunStatus.Queued, RunStatus.Deferred], cancellationToken))
        {
            if (!run.DryRun) Track(run.Cluster).Active = new RunHandle(run, store);
            if (run.Status == RunStatus.Queued) await EnqueueAsync(run, cancellationToken); // deferred ones wait for ReleaseDueAsync
        }
    }

    public ClusterRunState StateOf(string cluster)
    {
        var t = Track(cluster);
        var until = t.History.LastRemediationAt + Policy.Cooldown;
        var active = t.Active?.Current;
        return new ClusterRunState(active?.Id, active?.Status == RunStatus.Running ? active.StartedAt : null, t.History.LastSuccessAt,
            t.History.ConsecutiveFailures, until > time.GetUtcNow() ? until : null, t.History.ConsecutiveFailures >= Policy.CircuitBreakerThreshold,
            active?.Status == RunStatus.Deferred ? active.NotBefore : null);
    }

    /// <summary>Success resets the breaker and starts the cooldown of what it did; a failure counts towards the breaker.</summary>
    private static void Account(Tracked tracked, RunRecord run)
    {
        var history = tracked.History;
        switch (run.Status)
        {
            case RunStatus.Succeeded:
                tracked.History = history.Succeeded(run.Action, run.FinishedAt ?? run.CreatedAt, leftFragmented: run.LeftFragmented.Count > 0);
                break;
            case RunStatus.NothingToDo:
                tracked.History = history with { ConsecutiveFailures = 0 };
                break;
            case RunStatus.Failed:
                tracked.History = history with { ConsecutiveFailures = history.ConsecutiveFailures + 1 };
                break;
            case RunStatus.Interrupted:
                tracked.History = history with
                {
                    ConsecutiveFailures = history.ConsecutiveFailures + 1,
                    LastInterruptedAt = run.FinishedAt ?? run.CreatedAt
                };
                break;
        }
    }

    private Tracked Track(string cluster)
    {
        lock (_clusters)
        {
            if (!_clusters.TryGetValue(cluster, out var tracked)) _clusters[cluster] = tracked = new Tracked();
            return tracked;
        }
    }

    private string NewId() => $"r-{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    public void Dispose()
    {
        _lock.Dispose();
        _queue.Dispose();
    }
}
