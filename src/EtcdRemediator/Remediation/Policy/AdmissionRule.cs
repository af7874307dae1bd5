using EtcdRemediator.Configuration;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>
/// A cluster's recent history, as the breaker and the cooldown see it: when a defrag or recover last
/// succeeded (the cooldown of disruptive work), when a run last took a snapshot (the cooldown of
/// alert snapshots), how many runs failed in a row, and when any run last succeeded (for people).
/// </summary>
/// <param name="LastInterruptedAt">When a run last ended Interrupted (the process stopped under it): a member may have been mid-defragment.</param>
/// <param name="Refusals">The refusals in a row for one reason, which automatic triggers back off from (<see cref="RefusalStreak"/>).</param>
internal sealed record RunHistory(DateTimeOffset? LastRemediationAt, DateTimeOffset? LastSnapshotAt, int ConsecutiveFailures,
    DateTimeOffset? LastSuccessAt = null, DateTimeOffset? LastInterruptedAt = null, RefusalStreak? Refusals = null)
{
    public static readonly RunHistory None = new(null, null, 0);

    /// <summary>
    /// What a success of <paramref name="action"/> at <paramref name="at"/> leaves. A run that left a
    /// member fragmented it never defragmented starts no cooldown of defrags: the next trigger may
    /// reach that member (the ones it did defragment are no longer over the rule, so none is rewritten twice).
    /// </summary>
    public RunHistory Succeeded(RemediationAction action, DateTimeOffset at, bool leftFragmented = false) => new(
        action.Of().Rewrites && !leftFragmented ? Later(LastRemediationAt, at) : LastRemediationAt,
        action.Of().CountsAsSnapshot ? Later(LastSnapshotAt, at) : LastSnapshotAt,
        0,
        Later(LastSuccessAt, at),
        LastInterruptedAt);

    /// <summary>
    /// What an ended run leaves: a success resets the breaker and starts the cooldown of what it did; NothingToDo resets
    /// the breaker; a failure or an interruption counts towards it; a refusal (the safe outcome) leaves it as it was.
    /// </summary>
    /// <remarks>Only a refusal keeps a refusal streak going: any other outcome says the reason changed.</remarks>
    public RunHistory After(RunRecord run) => run.Status switch
    {
        RunStatus.Succeeded => Succeeded(run.Action, run.FinishedAt ?? run.CreatedAt, leftFragmented: run.LeftFragmented.Count > 0),
        RunStatus.NothingToDo => this with { ConsecutiveFailures = 0, Refusals = null },
        RunStatus.Failed => this with { ConsecutiveFailures = ConsecutiveFailures + 1, Refusals = null },
        RunStatus.Interrupted => this with
        {
            ConsecutiveFailures = ConsecutiveFailures + 1, LastInterruptedAt = run.FinishedAt ?? run.CreatedAt, Refusals = null,
        },
        RunStatus.Refused => this with { Refusals = RefusalStreak.After(Refusals, run.Reason ?? "", run.FinishedAt ?? run.CreatedAt) },
        _ => this,
    };

    /// <summary>
    /// This history with no time later than <paramref name="now"/>: a run that ended while the clock ran ahead
    /// (NTP corrects it later) counts as ending now, so its cooldown or back-off ends at most one period after
    /// the step back was noticed, not a day later. The same instance when nothing is later.
    /// </summary>
    public RunHistory NotAfter(DateTimeOffset now)
    {
        DateTimeOffset? Clamp(DateTimeOffset? t) => t > now ? now : t;
        if (!(LastRemediationAt > now || LastSnapshotAt > now || LastSuccessAt > now || LastInterruptedAt > now || Refusals?.At > now))
            return this;
        return this with
        {
            LastRemediationAt = Clamp(LastRemediationAt), LastSnapshotAt = Clamp(LastSnapshotAt), LastSuccessAt = Clamp(LastSuccessAt),
            LastInterruptedAt = Clamp(LastInterruptedAt), Refusals = Refusals is { } r && r.At > now ? r with { At = now } : Refusals,
        };
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a > b ? a.Value : b;
}

/// <summary>Why a trigger starts nothing: the breaker is open, or the cluster is in its cooldown.</summary>
internal sealed record Refusal(Disposition Disposition, string Reason, DateTimeOffset? RetryAfter = null);

/// <summary>
/// Pure: whether a trigger may start a run, given the cluster's history. Dry runs and forced runs
/// always may. Otherwise an open breaker stops it. The cooldown after a successful defrag or recover
/// holds back another defrag or recover (repeated rewrites); after any run that took a snapshot, it
/// holds back an alert's snapshot (each may be the size of the database). An operator's or a
/// schedule's snapshot and any disarm are never held back, and a snapshot never holds back a defrag.
/// A follow-up's trigger arrived while the run it joined was running: that run's cooldown does not
/// hold it back (the breaker does).
/// </summary>
internal static class AdmissionRule
{
    public static Refusal? Check(RunRequest request, string cluster, RunHistory history, PolicyOptions policy, DateTimeOffset now)
    {
        if (request.DryRun || request.Force) return null;
        if (history.ConsecutiveFailures >= policy.CircuitBreakerThreshold)
            return new Refusal(Disposition.CircuitOpen,
                $"{history.ConsecutiveFailures} consecutive runs of '{cluster}' failed; automatic runs stop until a forced run succeeds");
        // After an interrupted run, the pause an operator keeps between members is kept before the next defragment.
        if (request.Action.Of().Rewrites
            && ClockBound.Until(history.LastInterruptedAt, policy.PauseBetweenMembers, now) is { } resume && resume > now)
            return new Refusal(Disposition.Cooldown,
                $"a run of '{cluster}' was interrupted at {history.LastInterruptedAt:O}; " +
                $"the pause between members (Policy:PauseBetweenMembers) lasts until {resume:O}", resume);
        var (action, trigger) = (request.Action.Of(), request.Trigger.Kind.Of());
        if (trigger.JoinedARun) return null;
        var (since, what) = action switch
        {
            { Rewrites: true } => (history.LastRemediationAt, "remediated"),
            { Snapshot: SnapshotWhen.Always } when trigger.SnapshotsWaitOutCooldown => (history.LastSnapshotAt, "snapshotted"),
            _ => (null, ""),
        };
        // A clock that was ahead when the run ended must not hold anything back longer than the rule itself allows.
        if (ClockBound.Until(since, policy.Cooldown, now) is { } until && until > now)
            return new Refusal(Disposition.Cooldown, $"'{cluster}' was {what} successfully at {since:O}; cooldown until {until:O}", until);
        if (trigger.BacksOffFromRefusals && history.Refusals?.BackoffUntil(policy.Cooldown, now) is { } backoff)
            return new Refusal(Disposition.Backoff,
                $"the last {history.Refusals.Count} run(s) of '{cluster}' were refused ({history.Refusals.Reason}); " +
                $"automatic triggers back off until {backoff:O} (an operator's run is never held back)", backoff);
        return null;
    }
}

/// <summary>
/// Pure: which trigger runs after a running run, when triggers joined it. Only one stronger than the
/// running action counts; of several, the strongest, and of equals the forced one: it then runs as
/// itself (its own force), not with the force of the run it followed.
/// </summary>
internal static class FollowUpRule
{
    public static RunRequest? Choose(RunRequest? current, RunRequest joining, RemediationAction running)
    {
        if (!joining.Action.IsStrongerThan(running)) return current;
        if (current is null || joining.Action.IsStrongerThan(current.Action)) return joining;
        return joining.Action == current.Action && joining.Force && !current.Force ? joining : current;
    }
}
