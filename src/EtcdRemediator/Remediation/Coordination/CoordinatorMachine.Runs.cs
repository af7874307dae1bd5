using EtcdRemediator.Remediation.Policy;
namespace EtcdRemediator.Remediation.Coordination;

/// <summary>A run's life after it was asked for: start, progress, end, release from its window, and recovery at start-up.</summary>
internal sealed partial class CoordinatorMachine
{
    /// <summary>Queued -> Running; the answer is the running run, or null when it is not (or no longer) queued.</summary>
    private static Decision Begin(CoordinatorState state, string id, DateTimeOffset now)
    {
        if (state.Live(id) is not { Status: RunStatus.Queued } queued) return Answer(state, null);
        var running = queued with { Status = RunStatus.Running, StartedAt = now };
        return new Decision(state.WithRun(running), [new SaveRun(running)], running);
    }

    /// <summary>
    /// Not started, and the cluster must not stay "busy" with it: ended here, where every later trigger
    /// would otherwise join a run that never runs. Not counted by the breaker: the cluster did nothing.
    /// </summary>
    private static Decision NotStarted(CoordinatorState state, StartNotRecorded failure, DateTimeOffset now)
    {
        if (state.Live(failure.RunId) is not { } run) return Answer(state, null);
        var ended = run.Ended(RunStatus.Failed, $"not started: the run store could not record its start ({failure.Error})", now);
        var next = ended.DryRun
            ? state with { DryRuns = state.DryRuns.Remove(ended.Id) }
            : state.With(ended.Cluster, state.Of(ended.Cluster) with { Active = null });
        return new Decision(next, [new Notice(ended, NoticeKind.NotStarted, failure.Error), new SaveRun(ended, BestEffort: true),
            new SignalEnded(ended.Id)]);
    }

    /// <summary>The executor's change, applied to the run as it is here (with every join since), and written.</summary>
    private static Decision Change(CoordinatorState state, RunChanged change)
    {
        if (state.Live(change.RunId) is not { } live)
        {
            var untracked = change.Untracked;
            return new Decision(state, [new SaveRun(untracked)], untracked);
        }
        var changed = change.ApplyTo(live);
        return new Decision(state.WithRun(changed), [new SaveRun(changed)], changed);
    }

    /// <summary>
    /// The run's cluster is free; its outcome goes into the history. The answer is the follow-up to ask
    /// for next (not after an interruption): the joining trigger's own run, which meets the breaker and
    /// the cooldown like any trigger of its kind, whatever force the run it joined had.
    /// </summary>
    private static Decision End(CoordinatorState state, string id)
    {
        if (state.Live(id) is not { } run) return new Decision(state, [new SignalEnded(id)]);
        if (run.DryRun) return new Decision(state with { DryRuns = state.DryRuns.Remove(id) }, [new SignalEnded(id)]);
        var cluster = state.Of(run.Cluster);
        var next = state.With(run.Cluster, new ClusterRuns(null, null, cluster.History.After(run)));
        var followUp = cluster.FollowUp is { } f && run.Status != RunStatus.Interrupted
            ? f with
            {
                DryRun = false,
                Trigger = new RunTrigger(TriggerKind.FollowUp,
                    $"{f.Trigger.Kind.ToName()} ({f.Trigger.Source}) asked for {f.Action.ToName()} while run {run.Id} was running"),
            }
            : null;
        return new Decision(next, [new SignalEnded(id)], followUp);
    }

    /// <summary>
    /// Deferred runs are queued only while a window of their cluster is open; the answer is how many
    /// were released. One whose promised start passed while the service was down and the window closed
    /// again waits for the next opening, and says when.
    /// </summary>
    private Decision CheckWindows(CoordinatorState state, DateTimeOffset now)
    {
        var next = state;
        List<Effect> effects = [];
        var released = 0;
        foreach (var run in state.Clusters.Values.Select(c => c.Active).OfType<RunRecord>().Where(r => r.Status == RunStatus.Deferred))
        {
            var window = WindowAt(run.Cluster, now);
            switch (ReleaseRule.AtTick(run, window, now))
            {
                case Release.AtNextOpening:
                    var later = run with { NotBefore = window.NextOpensAt };
                    next = next.WithRun(later);
                    effects.AddRange(new SaveRun(later), new Notice(later, NoticeKind.MissedItsWindow));
                    break;
                case Release.Now:
                    // Recorded as the release it is (not counted as a join), in the same save.
                    var queued = run with
                    {
                        Status = RunStatus.Queued,
                        NotBefore = null,
                        JoinedTriggers = [.. run.JoinedTriggers,
                            new RunTrigger(TriggerKind.Window, "the maintenance window opened", Effect: "released the deferred run")],
                    };
                    next = next.WithRun(queued);
                    effects.AddRange(new SaveRun(queued), new EnqueueRun(queued.Id, queued.Action), new Notice(queued, NoticeKind.Released));
                    released++;
                    break;
            }
        }
        return new Decision(next, effects, released);
    }

    /// <summary>
    /// The whole finished history, in the order the runs ended, through the same rule as live (the same
    /// history always leaves the same breaker and cooldown); queued runs queue again, deferred ones wait for their window.
    /// </summary>
    private static Decision Recover(CoordinatorState state, Recovered recovered, DateTimeOffset now)
    {
        var next = state;
        foreach (var run in recovered.Finished.Where(r => !r.DryRun))
            next = next.With(run.Cluster, next.Of(run.Cluster) with { History = next.Of(run.Cluster).History.After(run).NotAfter(now) });
        List<Effect> effects = [];
        foreach (var run in recovered.Waiting)
        {
            next = next.WithRun(run);
            if (run.Status == RunStatus.Queued) effects.Add(run.DryRun ? new EnqueueDryRun(run.Id) : new EnqueueRun(run.Id, run.Action));
        }
        return new Decision(next, effects);
    }
}
