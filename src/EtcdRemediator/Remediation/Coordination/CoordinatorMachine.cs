using EtcdRemediator.Calendar;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation.Policy;

namespace EtcdRemediator.Remediation.Coordination;

/// <summary>
/// Pure: the coordinator's decisions. <see cref="Decide"/> takes the state, an event and the time, and
/// answers the next state and the effects (store writes, queueing, signals) for the driver to carry out;
/// it reads nothing and writes nothing itself, so a table of events is its test. The rules it applies
/// are named: <see cref="AdmissionRule"/>, <see cref="DeferralRule"/>, <see cref="JoinRule"/>,
/// <see cref="ReleaseRule"/>, <see cref="FollowUpRule"/>, <see cref="RunHistory.After"/>.
/// </summary>
internal sealed partial class CoordinatorMachine(PolicyOptions policy, MaintenanceCalendar calendar)
{
    /// <summary>Dry runs read every member of a cluster: more than this waiting is a client looping, not a person.</summary>
    public const int MaxWaitingDryRuns = 32;

    public Decision Decide(CoordinatorState state, CoordinatorEvent e, DateTimeOffset now) => e switch
    {
        RunRequested r => Request(state, r.Request, r.NewId, now),
        RunBegun b => Begin(state, b.RunId, now),
        StartNotRecorded s => NotStarted(state, s, now),
        RunChanged c => Change(state, c),
        RunEnded x => End(state, x.RunId),
        WindowsChecked => CheckWindows(state, now),
        Recovered r => Recover(state, r, now),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "an event the coordinator does not know"),
    };

    private WindowState WindowAt(string cluster, DateTimeOffset now) => calendar.WindowsOf(cluster).StateAt(now);

    private static Decision Answer(CoordinatorState state, object? answer) => new(state, [], answer);

    private Decision Request(CoordinatorState state, RunRequest request, string id, DateTimeOffset now)
    {
        var cluster = state.Of(request.Cluster);
        // The clock may have stepped back since the history was written: judged (and kept) as if it ended now.
        if (cluster.History.NotAfter(now) is var history && history != cluster.History)
            (state, cluster) = (state.With(request.Cluster, cluster with { History = history }), cluster with { History = history });
        if (request.DryRun && state.DryRunsWaiting >= MaxWaitingDryRuns)
            return Answer(state, new SubmitResult(Disposition.Busy, null,
                $"{MaxWaitingDryRuns} dry runs are waiting already; ask again when they have ended", now.AddSeconds(5)));
        if (!request.DryRun && cluster.Active is { } active) return Join(state, cluster, active, request, now);
        if (AdmissionRule.Check(request, request.Cluster, cluster.History, policy, now) is { } refusal)
            return Answer(state, new SubmitResult(refusal.Disposition, null, refusal.Reason, refusal.RetryAfter));

        var window = WindowAt(request.Cluster, now);
        var deferred = DeferralRule.Defers(request, window);
        var run = new RunRecord
        {
            Id = id,
            Cluster = request.Cluster,
            Action = request.Action,
            DryRun = request.DryRun,
            Force = request.Force,
            IgnoreThresholds = request.IgnoreThresholds,
            Trigger = request.Trigger with { Force = request.Force }, // the trigger's own record says how it asked
            CreatedAt = now,
            Status = deferred ? RunStatus.Deferred : RunStatus.Queued,
            NotBefore = deferred ? window.NextOpensAt : null,
        };
        var next = run.DryRun ? state.WithRun(run) : state.With(run.Cluster, cluster with { Active = run });
        // Every decision to run is in the store before the caller hears about it.
        Effect queue = run.DryRun ? new EnqueueDryRun(run.Id) : new EnqueueRun(run.Id, run.Action);
        return deferred
            ? new Decision(next, [new SaveRun(run)], new SubmitResult(Disposition.Deferred, run, DeferralRule.Explain(run), run.NotBefore), true)
            : new Decision(next, [new SaveRun(run), queue], new SubmitResult(run.DryRun ? Disposition.DryRun : Disposition.Started, run), true);
    }

    /// <summary>
    /// A join is written only when it changes what the run will do (a stronger action while it waits,
    /// or a deferred run released because the joiner may not wait: a recover, a forced run); otherwise
    /// the run is already durable and the caller's own record (the alert audit) says it joined.
    /// </summary>
    private Decision Join(CoordinatorState state, ClusterRuns cluster, RunRecord current, RunRequest request, DateTimeOffset now)
    {
        // A joiner passes the same admission as a new trigger (breaker, the cooldown of what it asks
        // for) before it may change what the run does: joining is no way around either.
        if (AdmissionRule.Check(request, request.Cluster, cluster.History, policy, now) is { } refusal)
            return Answer(state, new SubmitResult(refusal.Disposition, null, refusal.Reason, refusal.RetryAfter));
        var dropped = JoinRule.Dropped(current, request);
        if (current.Status is not (RunStatus.Queued or RunStatus.Deferred))
        {
            var running = JoinRule.JoinRunning(current, request);
            var followUp = FollowUpRule.Choose(cluster.FollowUp, request, current.Action);
            return Answer(state.With(current.Cluster, cluster with { Active = running, FollowUp = followUp }),
                new SubmitResult(Disposition.Joined, running, dropped));
        }
        var join = JoinRule.JoinWaiting(current, request, WindowAt(current.Cluster, now));
        List<Effect> effects = [];
        if (join.Changed) effects.Add(new SaveRun(join.Run));
        if (join.Released) effects.Add(new EnqueueRun(join.Run.Id, join.Run.Action));
        else if (join.Raised && join.Run.Status == RunStatus.Queued) effects.Add(new RaiseQueued(join.Run.Id, request.Action));
        return new Decision(state.With(current.Cluster, cluster with { Active = join.Run }), effects,
            new SubmitResult(Disposition.Joined, join.Run, dropped));
    }
}
