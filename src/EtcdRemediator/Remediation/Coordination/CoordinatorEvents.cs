namespace EtcdRemediator.Remediation.Coordination;

/// <summary>What happens to the coordinator: <see cref="CoordinatorMachine.Decide"/> answers each with the next state and effects.</summary>
internal abstract record CoordinatorEvent;

/// <summary>
/// An event whose sender awaits an answer of <typeparamref name="TAnswer"/>: the answer's type is the event's own, so
/// a sender cannot ask for another (<see cref="RemediationCoordinator"/>'s AskAsync takes it from the event).
/// </summary>
internal abstract record CoordinatorEvent<TAnswer> : CoordinatorEvent;

/// <summary>A trigger asks for a run (an alert, an operator, a schedule, the watch, a follow-up).</summary>
/// <param name="NewId">The id a new run gets (made by the driver: ids are not the machine's to invent).</param>
internal sealed record RunRequested(RunRequest Request, string NewId) : CoordinatorEvent<SubmitResult>;

/// <summary>A worker slot took the run from its queue: Queued -> Running.</summary>
internal sealed record RunBegun(string RunId) : CoordinatorEvent<RunRecord?>;

/// <summary>The store could not record a run's start: it ends Failed, so its cluster is free again.</summary>
internal sealed record StartNotRecorded(string RunId, string Error) : CoordinatorEvent;

/// <summary>
/// The executor's progress, in the order it happened: a step started or ended, or it learnt something
/// (plan, snapshot, outcome). <see cref="RunProgress"/> touches only what the executor owns, never the joins;
/// <paramref name="Untracked"/> is the executor's own view, used when the run is no longer live.
/// </summary>
internal sealed record RunChanged(string RunId, IReadOnlyList<RunProgress> Progress, RunRecord Untracked) : CoordinatorEvent<RunRecord>
{
    public RunRecord ApplyTo(RunRecord run) => Progress.Aggregate(run, (r, p) => p.ApplyTo(r));
}

/// <summary>The executor is done with the run (its final state is saved); answered with the follow-up to ask for, if any.</summary>
internal sealed record RunEnded(string RunId) : CoordinatorEvent<RunRequest?>;

/// <summary>The scheduler's tick: deferred runs whose window is open are released; answered with how many.</summary>
internal sealed record WindowsChecked : CoordinatorEvent<int>;

/// <summary>At start-up, from the store: the finished runs in the order they ended, and the queued and deferred ones.</summary>
internal sealed record Recovered(IReadOnlyList<RunRecord> Finished, IReadOnlyList<RunRecord> Waiting) : CoordinatorEvent;

/// <summary>What the driver does for a decision, in order.</summary>
internal abstract record Effect;

/// <summary>Writes the run's value whole. A best-effort save that fails is kept readable by the store and written later.</summary>
internal sealed record SaveRun(RunRecord Run, bool BestEffort = false) : Effect;

/// <summary>Into the real runs' queue (strongest action first).</summary>
internal sealed record EnqueueRun(string RunId, RemediationAction Action) : Effect;

/// <summary>A queued run's action was raised by a joiner: it moves up the queue with it.</summary>
internal sealed record RaiseQueued(string RunId, RemediationAction Action) : Effect;

/// <summary>Into the dry runs' own lane.</summary>
internal sealed record EnqueueDryRun(string RunId) : Effect;

/// <summary>Completes what <see cref="RemediationCoordinator.WhenEnded"/> handed out for the run.</summary>
internal sealed record SignalEnded(string RunId) : Effect;

/// <summary>Said in the log: a deferred run released, or waiting for a later window; a run that could not start.</summary>
internal sealed record Notice(RunRecord Run, NoticeKind Kind, string? Error = null) : Effect;

internal enum NoticeKind
{
    Released,
    MissedItsWindow,
    NotStarted,
}

/// <summary>
/// The next state, what to do, and the answer for whoever sent the event. A tentative decision's
/// state holds only once every effect has succeeded (a new run exists only once it is stored);
/// otherwise the state holds at once, and a failed effect reaches the sender as its error.
/// </summary>
internal sealed record Decision(CoordinatorState State, IReadOnlyList<Effect> Effects, object? Answer = null, bool Tentative = false);
