using EtcdRemediator.Calendar;
using EtcdRemediator.Remediation.Coordination;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>
/// The coordinator's decisions as a pure function: events in, the next state and effects out. No
/// store, no queue, no clock: each test is a list of events at given times.
/// </summary>
public sealed class CoordinatorMachineTests
{
    // Thursday noon; "maint" has a window on Saturdays 01:00 for 4 hours, "lab" none (always open).
    private static readonly DateTimeOffset Thursday = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowOpens = new(2026, 11, 28, 1, 0, 0, TimeSpan.Zero);

    private readonly CoordinatorMachine _machine = new(
        new PolicyOptions { Cooldown = TimeSpan.FromMinutes(30), CircuitBreakerThreshold = 3 },
        new MaintenanceCalendar([new ClusterOptions
        {
            Name = "maint", MaintenanceWindows = [new MaintenanceWindowOptions { Cron = "0 1 * * 6", Duration = TimeSpan.FromHours(4) }],
        }]));

    private CoordinatorState _state = CoordinatorState.Empty;
    private int _ids;

    private static RunRequest Alert(string cluster = "lab", RemediationAction action = RemediationAction.Defrag, bool force = false) =>
        new(cluster, action, DryRun: false, force, new RunTrigger(TriggerKind.Alert, "etcdDatabaseHighFragmentationRatio"));

    /// <summary>Decides and keeps the next state, as the driver does once the effects have succeeded.</summary>
    private Decision On(CoordinatorEvent e, DateTimeOffset? at = null)
    {
        var decision = _machine.Decide(_state, e, at ?? Thursday);
        _state = decision.State;
        return decision;
    }

    private SubmitResult Ask(RunRequest request, DateTimeOffset? at = null) => (SubmitResult)On(new RunRequested(request, $"r{++_ids}"), at).Answer!;

    /// <summary>An alert's run created on Thursday, as the store holds one.</summary>
    private static RunRecord Run(string id, RunStatus status, string cluster = "lab", RemediationAction action = RemediationAction.Defrag) => new()
    {
        Id = id,
        Cluster = cluster,
        Action = action,
        Trigger = new RunTrigger(TriggerKind.Alert, "a"),
        CreatedAt = Thursday,
        Status = status,
    };

    private RunRecord Begin(string id) => (RunRecord)On(new RunBegun(id)).Answer!;

    private RunRequest? End(string id, RunStatus status, DateTimeOffset? at = null)
    {
        On(new RunChanged(id, [new RunFinished(status, null, at ?? Thursday)], null!));
        return (RunRequest?)On(new RunEnded(id)).Answer;
    }

    [Fact]
    public void ANewRunIsSavedThenQueuedAndExistsOnlyOnceSaved()
    {
        var decision = _machine.Decide(_state, new RunRequested(Alert(), "r1"), Thursday);

        Assert.True(decision.Tentative);
        Assert.Collection(decision.Effects,
            e => Assert.Equal(RunStatus.Queued, Assert.IsType<SaveRun>(e).Run.Status),
            e => Assert.Equal(new EnqueueRun("r1", RemediationAction.Defrag), e));
        Assert.Equal("r1", decision.State.Of("lab").Active?.Id);
        Assert.Null(_state.Of("lab").Active); // the state it was given is a value: unchanged
    }

    [Fact]
    public void AStrongerTriggerJoiningAQueuedRunRaisesItInTheStoreAndInTheQueue()
    {
        Ask(Alert());

        var joined = On(new RunRequested(Alert(action: RemediationAction.Recover), "unused"));

        Assert.Equal(Disposition.Joined, ((SubmitResult)joined.Answer!).Disposition);
        Assert.False(joined.Tentative);
        Assert.Collection(joined.Effects,
            e => Assert.Equal(RemediationAction.Recover, Assert.IsType<SaveRun>(e).Run.Action),
            e => Assert.Equal(new RaiseQueued("r1", RemediationAction.Recover), e));
    }

    [Fact]
    public void APlainJoinWritesNothing()
    {
        Ask(Alert());

        var joined = On(new RunRequested(Alert(), "unused"));

        Assert.Empty(joined.Effects);
        Assert.Equal(1, _state.Of("lab").Active!.JoinedCount);
    }

    [Fact]
    public void AJoinWhileTheRunRunsIsKeptWhenTheExecutorWritesItsNextStep()
    {
        Ask(Alert());
        Begin("r1");
        Ask(Alert() with { Trigger = new RunTrigger(TriggerKind.Watch, "m1 62% fragmented") });

        var step = new StepRecord { Name = "inspect", StartedAt = Thursday };
        var saved = Assert.IsType<SaveRun>(Assert.Single(On(new RunChanged("r1", [new StepStarted(step)], null!)).Effects)).Run;

        Assert.Equal((1, 1), (saved.JoinedCount, saved.Steps.Count));
    }

    [Fact]
    public void AStrongerTriggerThatJoinedARunningRunIsAskedForWhenItEndsAsAFollowUp()
    {
        Ask(Alert());
        Begin("r1");
        Ask(Alert(action: RemediationAction.Recover, force: true));

        var followUp = End("r1", RunStatus.Succeeded);

        Assert.Equal((RemediationAction.Recover, true, TriggerKind.FollowUp), (followUp!.Action, followUp.Force, followUp.Trigger.Kind));
        Assert.Equal(new ClusterRuns(null, null, _state.Of("lab").History), _state.Of("lab"));
    }

    [Fact]
    public void AnInterruptedRunHasNoFollowUp()
    {
        Ask(Alert());
        Begin("r1");
        Ask(Alert(action: RemediationAction.Recover));

        Assert.Null(End("r1", RunStatus.Interrupted));
    }

    [Fact]
    public void ARunEndingSignalsWhoeverWaitsAndASuccessStartsTheCooldown()
    {
        Ask(Alert());
        Begin("r1");
        On(new RunChanged("r1", [new RunFinished(RunStatus.Succeeded, null, Thursday)], null!));

        var ended = On(new RunEnded("r1"));

        Assert.Equal(new SignalEnded("r1"), Assert.Single(ended.Effects));
        Assert.Equal(Disposition.Cooldown, Ask(Alert(), Thursday.AddMinutes(29)).Disposition);
        Assert.Equal(Disposition.Started, Ask(Alert(), Thursday.AddMinutes(30)).Disposition);
    }

    [Fact]
    public void OnlyAQueuedRunBegins()
    {
        Ask(Alert("maint"));

        Assert.Null(On(new RunBegun("r1")).Answer); // deferred
        Assert.Null(On(new RunBegun("nobody")).Answer);
    }

    [Fact]
    public void ARunWhoseStartCouldNotBeRecordedEndsFailedAndFreesItsCluster()
    {
        Ask(Alert());
        Begin("r1");

        var failed = On(new StartNotRecorded("r1", "the store's file was deleted"));

        Assert.Null(_state.Of("lab").Active);
        var save = Assert.Single(failed.Effects.OfType<SaveRun>());
        Assert.Equal((RunStatus.Failed, true), (save.Run.Status, save.BestEffort));
        Assert.Contains(new SignalEnded("r1"), failed.Effects);
        Assert.Equal(0, _state.Of("lab").History.ConsecutiveFailures); // the cluster did nothing
    }

    [Fact]
    public void ADeferredRunIsReleasedWhenItsWindowOpensAndOnlyThen()
    {
        Assert.Equal(Disposition.Deferred, Ask(Alert("maint")).Disposition);

        Assert.Equal(0, On(new WindowsChecked(), WindowOpens.AddMinutes(-1)).Answer);
        var opened = On(new WindowsChecked(), WindowOpens);

        Assert.Equal(1, opened.Answer);
        Assert.Contains(new EnqueueRun("r1", RemediationAction.Defrag), opened.Effects);
        var released = _state.Of("maint").Active!;
        Assert.Equal((RunStatus.Queued, TriggerKind.Window), (released.Status, released.JoinedTriggers[^1].Kind));
        Assert.Equal(0, On(new WindowsChecked(), WindowOpens).Answer);
    }

    [Fact]
    public void ADeferredRunWhoseWindowPassedWaitsForTheNextOpening()
    {
        Ask(Alert("maint"));

        var late = On(new WindowsChecked(), WindowOpens.AddHours(5));

        Assert.Equal(0, late.Answer);
        Assert.Equal(WindowOpens.AddDays(7), Assert.Single(late.Effects.OfType<SaveRun>()).Run.NotBefore);
    }

    [Fact]
    public void AForcedJoinerReleasesADeferredRunAtOnce()
    {
        Ask(Alert("maint"));

        var joined = On(new RunRequested(Alert("maint", force: true), "unused"));

        Assert.Contains(new EnqueueRun("r1", RemediationAction.Defrag), joined.Effects);
        Assert.Equal("released the deferred run", _state.Of("maint").Active!.JoinedTriggers[^1].Effect);
    }

    [Fact]
    public void DryRunsNeverJoinAndTooManyWaitingAreTurnedAwayUnrecorded()
    {
        Ask(Alert());
        for (var i = 0; i < CoordinatorMachine.MaxWaitingDryRuns; i++)
            Assert.Equal(Disposition.DryRun, Ask(Alert() with { DryRun = true }).Disposition);

        var busy = On(new RunRequested(Alert() with { DryRun = true }, "unused"));

        Assert.Equal(Disposition.Busy, ((SubmitResult)busy.Answer!).Disposition);
        Assert.Empty(busy.Effects);
        Begin("r2"); // a dry run begun no longer waits: room for one more
        Assert.Equal(Disposition.DryRun, Ask(Alert() with { DryRun = true }).Disposition);
    }

    [Fact]
    public void RecoveryReplaysTheHistoryAndQueuesOnlyQueuedRuns()
    {
        RunRecord Stored(string id, RunStatus status, string cluster = "lab") => Run(id, status, cluster) with { FinishedAt = Thursday };

        var recovered = On(new Recovered(
            [Stored("f1", RunStatus.Failed), Stored("f2", RunStatus.Interrupted), Stored("f3", RunStatus.Failed)],
            [Stored("q1", RunStatus.Queued), Stored("d1", RunStatus.Deferred, "maint")]));

        Assert.Equal(new EnqueueRun("q1", RemediationAction.Defrag), Assert.Single(recovered.Effects));
        Assert.True(_state.Of("lab").Describe(new PolicyOptions { CircuitBreakerThreshold = 3 }, Thursday).CircuitOpen);
        Assert.Equal("d1", _state.Of("maint").Active?.Id);
    }

    // The enums by name here and below: they are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string, int, bool> Outcomes => new()
    {
        // outcome, failures after two before, cooldown started
        { nameof(RunStatus.Succeeded), 0, true },
        { nameof(RunStatus.NothingToDo), 0, false },
        { nameof(RunStatus.Failed), 3, false },
        { nameof(RunStatus.Interrupted), 3, false },
        { nameof(RunStatus.Refused), 2, false },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void WhatAnEndedRunLeavesInTheHistory(string outcomeName, int failures, bool cooldown)
    {
        var outcome = Enum.Parse<RunStatus>(outcomeName);
        var run = Run("r", outcome) with { FinishedAt = Thursday };

        var after = (RunHistory.None with { ConsecutiveFailures = 2 }).After(run);

        Assert.Equal((failures, cooldown), (after.ConsecutiveFailures, after.LastRemediationAt == Thursday));
        Assert.Equal(outcome == RunStatus.Interrupted, after.LastInterruptedAt == Thursday);
    }

    public static TheoryData<bool, int, string> Ticks => new()
    {
        // window open, promised start minus now in hours -> release
        { true, 1, nameof(Release.Now) },
        { true, -1, nameof(Release.Now) },
        { false, 1, nameof(Release.Wait) },
        { false, -1, nameof(Release.AtNextOpening) },
        { false, 0, nameof(Release.AtNextOpening) },
    };

    [Theory]
    [MemberData(nameof(Ticks))]
    public void ADeferredRunLeavesItsWaitOnlyWhileAWindowIsOpen(bool open, int promisedInHours, string expectedName)
    {
        var expected = Enum.Parse<Release>(expectedName);
        var run = Run("r", RunStatus.Deferred, "maint") with { NotBefore = Thursday.AddHours(promisedInHours) };

        Assert.Equal(expected, ReleaseRule.AtTick(run, new WindowState(true, open, null, WindowOpens), Thursday));
    }

    public static TheoryData<string, string, string, bool, bool> Joins => new()
    {
        // the deferred run's action, the joiner's action and kind, its force -> released
        { nameof(RemediationAction.Defrag), nameof(RemediationAction.Defrag), nameof(TriggerKind.Alert), false, false },
        { nameof(RemediationAction.Defrag), nameof(RemediationAction.Defrag), nameof(TriggerKind.Manual), true, true },
        { nameof(RemediationAction.Defrag), nameof(RemediationAction.Recover), nameof(TriggerKind.Manual), false, true },   // an operator's recover never waits
        { nameof(RemediationAction.Recover), nameof(RemediationAction.Defrag), nameof(TriggerKind.Manual), false, false },  // asks as the alert that wanted the recover
        { nameof(RemediationAction.Defrag), nameof(RemediationAction.Snapshot), nameof(TriggerKind.Manual), false, false },
    };

    [Theory]
    [MemberData(nameof(Joins))]
    public void AJoinerReleasesADeferredRunOnlyWhenItWouldNotWaitItself(string runName, string joinerName, string kindName,
        bool force, bool released)
    {
        var (run, joiner, kind) =
            (Enum.Parse<RemediationAction>(runName), Enum.Parse<RemediationAction>(joinerName), Enum.Parse<TriggerKind>(kindName));
        var deferred = Run("r", RunStatus.Deferred, "maint", run) with { NotBefore = WindowOpens };
        var request = new RunRequest("maint", joiner, false, force, new RunTrigger(kind, "k"));

        var join = JoinRule.JoinWaiting(deferred, request, new WindowState(true, false, null, WindowOpens));

        Assert.Equal(released, join.Released);
        Assert.Equal(released ? RunStatus.Queued : RunStatus.Deferred, join.Run.Status);
    }
}
