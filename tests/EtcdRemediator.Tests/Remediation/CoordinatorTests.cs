using EtcdRemediator.Remediation.Coordination;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>Cooldown, breaker and joining, on a real SQLite file and fake time.</summary>
public sealed class CoordinatorTests : IAsyncLifetime
{
    private readonly CoordinatorHarness _h = new(
        new RemediatorOptions { Policy = new PolicyOptions { Cooldown = TimeSpan.FromMinutes(30), CircuitBreakerThreshold = 3 } },
        new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    private FakeTimeProvider _time => _h.Time;
    private RunStore _store => _h.Store;
    private RemediationCoordinator _coordinator => _h.Coordinator;

    public Task InitializeAsync() => _h.OpenAsync();

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    private static RunRequest Alert(RemediationAction action = RemediationAction.Defrag, bool force = false) =>
        new("lab", action, DryRun: false, force, new RunTrigger(TriggerKind.Alert, "etcdDatabaseHighFragmentationRatio"));

    private async Task<RunRecord> RunAsync(RunStatus outcome, bool force = false, IReadOnlyList<string>? leftFragmented = null,
        string? reason = null, RunRequest? request = null)
    {
        var submitted = await _coordinator.SubmitAsync(request ?? Alert(force: force), CancellationToken.None);
        Assert.Equal(Disposition.Started, submitted.Disposition);
        var run = (await _coordinator.BeginAsync(submitted.Run!.Id, CancellationToken.None))!;
        var ended = await run.SaveAsync(new LeftFragmented(leftFragmented ?? []), new RunFinished(outcome, reason, _time.GetUtcNow()));
        await _coordinator.CompleteAsync(run, CancellationToken.None);
        return ended;
    }

    [Fact]
    public async Task ASuccessStartsACooldownThatEndsOnTime()
    {
        await RunAsync(RunStatus.Succeeded);

        var during = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        Assert.Equal(Disposition.Cooldown, during.Disposition);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(30), during.RetryAfter);

        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Alert(), CancellationToken.None)).Disposition);
    }

    /// <summary>#34 item 3: one member down and the watch at 1 s recorded a Refused run every second.</summary>
    [Fact]
    public async Task AutomaticTriggersBackOffFromRefusalsDoublingUntilTheReasonChangesButOperatorsAreNeverHeldBack()
    {
        static RunRequest Watch() => new("lab", RemediationAction.Defrag, false, false, new RunTrigger(TriggerKind.Watch, "fragmentation 0.61"));
        const string down = "member m2 (8e9e05c52164694d) does not answer: connection refused after 3 tries";
        await RunAsync(RunStatus.Refused, reason: down, request: Watch());

        var held = await _coordinator.SubmitAsync(Watch(), CancellationToken.None);
        Assert.Equal((Disposition.Backoff, (RunRecord?)null), (held.Disposition, held.Run));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(30), held.RetryAfter);
        Assert.Equal(Disposition.Backoff, (await _coordinator.SubmitAsync(Alert(), CancellationToken.None)).Disposition);
        var manual = new RunRequest("lab", RemediationAction.Defrag, false, false, new RunTrigger(TriggerKind.Manual, "curl"));
        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(manual, CancellationToken.None)).Disposition);
        await EndActiveAsync(RunStatus.Refused, down.Replace("3 tries", "4 tries", StringComparison.Ordinal));

        // The same reason (its figures aside) again: twice as long, from the newest refusal; also after a restart.
        await _h.RestartAsync();
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(1), (await _coordinator.SubmitAsync(Watch(), CancellationToken.None)).RetryAfter);
        _time.Advance(TimeSpan.FromHours(1));
        await RunAsync(RunStatus.Refused, reason: "a CORRUPT alarm is active on m1", request: Watch());
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(30), (await _coordinator.SubmitAsync(Watch(), CancellationToken.None)).RetryAfter);

        _time.Advance(TimeSpan.FromMinutes(30));
        await RunAsync(RunStatus.Succeeded, request: Watch());
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Watch(), CancellationToken.None)).Disposition);
    }

    /// <summary>#34 item 6(a): a success recorded while the clock ran a day ahead held every defrag back for a day, also after a restart.</summary>
    [Fact]
    public async Task ACooldownStartedWhileTheClockWasADayAheadEndsAtMostOneCooldownAfterNow()
    {
        // As a run that ended while the clock ran a day ahead stored it; NTP has corrected the clock since.
        var ahead = _time.GetUtcNow().AddDays(1);
        await _store.SaveAsync(new RunRecord
        {
            Id = "ahead", Cluster = "lab", Action = RemediationAction.Defrag, Trigger = new RunTrigger(TriggerKind.Alert, "x"),
            CreatedAt = ahead, StartedAt = ahead, FinishedAt = ahead, Status = RunStatus.Succeeded,
        }, CancellationToken.None);
        await _h.RestartAsync();

        var during = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        Assert.Equal((Disposition.Cooldown, _time.GetUtcNow() + TimeSpan.FromMinutes(30)), (during.Disposition, during.RetryAfter));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(30), _coordinator.StateOf("lab").CooldownUntil);
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Alert(), CancellationToken.None)).Disposition);
    }

    /// <summary>#34 item 7: a forced manual run stored `force: true` but `trigger.force: false`.</summary>
    [Fact]
    public async Task AForcedRunsTriggerRecordsItsForce()
    {
        var manual = new RunRequest("lab", RemediationAction.Defrag, false, Force: true, new RunTrigger(TriggerKind.Manual, "curl"));

        var started = await _coordinator.SubmitAsync(manual, CancellationToken.None);

        var stored = await _store.GetAsync(started.Run!.Id, CancellationToken.None);
        Assert.Equal((true, true), (stored!.Force, stored.Trigger.Force));
    }

    /// <summary>#34 item 7: an Interrupted run's open defragment step read `Succeeded` with `finishedAt: null`.</summary>
    [Fact]
    public async Task AStepOpenWhenTheProcessDiedEndsInterruptedWithTheRun()
    {
        var submitted = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        var run = (await _coordinator.BeginAsync(submitted.Run!.Id, CancellationToken.None))!;
        await run.SaveAsync(new StepStarted(new StepRecord { Name = "defragment", Member = "m1", StartedAt = _time.GetUtcNow() }));

        await _h.RestartAsync();

        var stored = await _store.GetAsync(run.Id, CancellationToken.None);
        var step = Assert.Single(stored!.Steps);
        Assert.Equal((RunStatus.Interrupted, StepOutcome.Interrupted), (stored.Status, step.Outcome));
        Assert.Equal(stored.FinishedAt, step.FinishedAt);
    }

    private async Task EndActiveAsync(RunStatus outcome, string? reason)
    {
        var id = _coordinator.StateOf("lab").ActiveRunId!;
        var run = (await _coordinator.BeginAsync(id, CancellationToken.None))!;
        await run.SaveAsync(new RunFinished(outcome, reason, _time.GetUtcNow()));
        await _coordinator.CompleteAsync(run, CancellationToken.None);
    }

    [Fact]
    public async Task ASuccessThatLeftAMemberFragmentedItNeverDefragmentedHoldsNoNextTriggerBackLiveOrAfterARestart()
    {
        await RunAsync(RunStatus.Succeeded, leftFragmented: ["m3"]);

        Assert.Null(_coordinator.StateOf("lab").CooldownUntil);
        await _h.RestartAsync();
        Assert.Null(_coordinator.StateOf("lab").CooldownUntil);
        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Alert(), CancellationToken.None)).Disposition);
    }

    [Fact]
    public async Task DryRunsWaitingAreBoundedAndOneTooManyIsRecordedNowhere()
    {
        for (var i = 0; i < RemediationCoordinator.MaxWaitingDryRuns; i++)
            Assert.Equal(Disposition.DryRun, (await _coordinator.SubmitAsync(Alert() with { DryRun = true }, CancellationToken.None)).Disposition);

        var refused = await _coordinator.SubmitAsync(Alert() with { DryRun = true }, CancellationToken.None);

        Assert.Equal((Disposition.Busy, (RunRecord?)null), (refused.Disposition, refused.Run));
        Assert.Equal(RemediationCoordinator.MaxWaitingDryRuns, (await _store.ListAsync("lab", 1000, CancellationToken.None)).Count);
        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Alert(), CancellationToken.None)).Disposition); // real runs are not held up
    }

    [Fact]
    public async Task WaitingForARunAwaitsItsEnd()
    {
        var submitted = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        var ended = _coordinator.WhenEnded(submitted.Run!.Id);
        var run = (await _coordinator.BeginAsync(submitted.Run.Id, CancellationToken.None))!;
        Assert.False(ended.IsCompleted);

        await run.SaveAsync(new RunFinished(RunStatus.Succeeded, null, _time.GetUtcNow()));
        await _coordinator.CompleteAsync(run, CancellationToken.None);

        await ended.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ForceAndDryRunSkipTheCooldown()
    {
        await RunAsync(RunStatus.Succeeded);

        Assert.Equal(Disposition.DryRun, (await _coordinator.SubmitAsync(Alert() with { DryRun = true }, CancellationToken.None)).Disposition);
        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Alert(force: true), CancellationToken.None)).Disposition);
    }

    [Fact]
    public async Task TheCooldownHoldsBackAlertSnapshotsButNotAnOperatorsSnapshot()
    {
        await RunAsync(RunStatus.Succeeded);

        Assert.Equal(Disposition.Cooldown, (await _coordinator.SubmitAsync(Alert(RemediationAction.Recover), CancellationToken.None)).Disposition);
        Assert.Equal(Disposition.Cooldown, (await _coordinator.SubmitAsync(Alert(RemediationAction.Snapshot), CancellationToken.None)).Disposition);
        var manual = await _coordinator.SubmitAsync(Alert(RemediationAction.Snapshot) with { Trigger = new RunTrigger(TriggerKind.Manual, "operator") }, CancellationToken.None);
        Assert.Equal(Disposition.Started, manual.Disposition);
    }

    /// <summary>Found trying a daily snapshot schedule with the watch on: every snapshot held defrags back 30 min.</summary>
    [Fact]
    public async Task AScheduledSnapshotDoesNotHoldBackADefragButItHoldsBackAlertSnapshots()
    {
        var snapshot = await _coordinator.SubmitAsync(new RunRequest("lab", RemediationAction.Snapshot, false, false, new RunTrigger(TriggerKind.Schedule, "daily")), CancellationToken.None);
        var run = (await _coordinator.BeginAsync(snapshot.Run!.Id, CancellationToken.None))!;
        await run.SaveAsync(new RunFinished(RunStatus.Succeeded, null, _time.GetUtcNow()));
        await _coordinator.CompleteAsync(run, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        var alertSnapshot = await _coordinator.SubmitAsync(Alert(RemediationAction.Snapshot), CancellationToken.None);
        var defrag = await _coordinator.SubmitAsync(new RunRequest("lab", RemediationAction.Defrag, false, false, new RunTrigger(TriggerKind.Watch, "m1 62% fragmented")), CancellationToken.None);

        Assert.Equal(Disposition.Cooldown, alertSnapshot.Disposition);
        Assert.Equal(Disposition.Started, defrag.Disposition);
        Assert.Null(_coordinator.StateOf("lab").CooldownUntil);
    }

    [Fact]
    public async Task NothingToDoStartsNoCooldown()
    {
        await RunAsync(RunStatus.NothingToDo);

        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Alert(), CancellationToken.None)).Disposition);
    }

    [Fact]
    public async Task ThreeFailuresOpenTheBreakerUntilAForcedRunSucceeds()
    {
        for (var i = 0; i < 3; i++) await RunAsync(RunStatus.Failed);

        var blocked = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        Assert.Equal(Disposition.CircuitOpen, blocked.Disposition);
        Assert.True(_coordinator.StateOf("lab").CircuitOpen);

        await RunAsync(RunStatus.Succeeded, force: true);

        Assert.False(_coordinator.StateOf("lab").CircuitOpen);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Alert(), CancellationToken.None)).Disposition);
    }

    [Fact]
    public async Task RefusalsDoNotOpenTheBreaker()
    {
        for (var i = 0; i < 5; i++)
        {
            await RunAsync(RunStatus.Refused);
            _time.Advance(TimeSpan.FromHours(1)); // past the back-off from refusals
        }

        Assert.Equal(Disposition.Started, (await _coordinator.SubmitAsync(Alert(), CancellationToken.None)).Disposition);
    }

    [Fact]
    public async Task ATriggerJoiningAQueuedRunSharesItsIdAndTheStrongerActionWins()
    {
        var first = await _coordinator.SubmitAsync(Alert(RemediationAction.Defrag), CancellationToken.None);
        var second = await _coordinator.SubmitAsync(Alert(RemediationAction.Recover), CancellationToken.None);
        var third = await _coordinator.SubmitAsync(Alert(RemediationAction.Snapshot), CancellationToken.None);

        Assert.Equal(Disposition.Joined, second.Disposition);
        Assert.Equal(first.Run!.Id, second.Run!.Id);
        Assert.Equal(first.Run.Id, third.Run!.Id);
        Assert.Equal(2, third.Run.JoinedCount);
        // The upgrade changed what the run will do, so it is on disk; a plain join needs no write.
        var stored = await _store.GetAsync(first.Run.Id, CancellationToken.None);
        Assert.Equal(RemediationAction.Recover, stored!.Action);
    }

    [Fact]
    public async Task AnAlertStormOfOneAlertIsOneJoinedEntryWithItsCount()
    {
        var first = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        SubmitResult last = first;
        for (var i = 0; i < 500; i++) last = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);

        // Each answer carries the run as it is then; the first one's value is unchanged by later joins.
        Assert.Equal(first.Run!.Id, last.Run!.Id);
        Assert.Equal(0, first.Run.JoinedCount);
        Assert.Equal(500, last.Run.JoinedCount);
        Assert.Equal(500, Assert.Single(last.Run.JoinedTriggers).Times);
    }

    [Fact]
    public async Task PastTheKeptDistinctTriggersEveryManualAndForcedOneIsStillKept()
    {
        var first = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        for (var i = 0; i < 50; i++)
            await _coordinator.SubmitAsync(Alert() with { Trigger = new RunTrigger(TriggerKind.Watch, $"reading {i}") }, CancellationToken.None);

        var forced = await _coordinator.SubmitAsync(new RunRequest("lab", RemediationAction.Defrag, false, Force: true, new RunTrigger(TriggerKind.Manual, "127.0.0.1 curl/8 (operator)")),
            CancellationToken.None);

        Assert.Equal(51, forced.Run!.JoinedCount);
        Assert.Equal(RunRecord.MaxJoinedKept + 1, forced.Run.JoinedTriggers.Count);
        var kept = forced.Run.JoinedTriggers[^1];
        Assert.Equal((TriggerKind.Manual, true), (kept.Kind, kept.Force));
    }

    [Fact]
    public async Task AfterARestartRunningRunsAreInterruptedQueuedOnesQueueAgainAndTheBreakerIsRemembered()
    {
        for (var i = 0; i < 3; i++) await RunAsync(RunStatus.Failed);
        var queued = await _coordinator.SubmitAsync(Alert(force: true), CancellationToken.None);
        var other = await _coordinator.SubmitAsync(Alert(force: true) with { Cluster = "other" }, CancellationToken.None);
        await _coordinator.BeginAsync(other.Run!.Id, CancellationToken.None);

        await _h.RestartAsync();

        Assert.Equal(RunStatus.Interrupted, (await _store.GetAsync(other.Run.Id, CancellationToken.None))!.Status);
        Assert.Equal(queued.Run!.Id, await _coordinator.Queue.DequeueAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token));
        Assert.Equal(queued.Run.Id, _coordinator.StateOf("lab").ActiveRunId);
        Assert.Equal(3, _coordinator.StateOf("lab").ConsecutiveFailures);
    }

    [Fact]
    public async Task AFollowUpRunsWithTheForceOfTheTriggerThatAskedForItNotOfTheRunItFollowed()
    {
        for (var i = 0; i < 3; i++) await RunAsync(RunStatus.Failed, force: true);
        var forced = await _coordinator.SubmitAsync(Alert(force: true), CancellationToken.None);
        var running = (await _coordinator.BeginAsync(forced.Run!.Id, CancellationToken.None))!;
        // While the operator's forced run is running, a NOSPACE alert asks to join it: the breaker answers.
        var joined = await _coordinator.SubmitAsync(Alert(RemediationAction.Recover), CancellationToken.None);
        Assert.Equal(Disposition.CircuitOpen, joined.Disposition);

        await running.SaveAsync(new RunFinished(RunStatus.Failed, null, _time.GetUtcNow()));
        await _coordinator.CompleteAsync(running, CancellationToken.None);

        // The breaker is open for alerts: the alert's follow-up must not run.
        Assert.Null(_coordinator.StateOf("lab").ActiveRunId);
        Assert.DoesNotContain(await _store.ListAsync("lab", 50, CancellationToken.None), r => r.Trigger.Kind == TriggerKind.FollowUp);
    }

    [Fact]
    public async Task ATriggerThatJoinsAQueuedRunMeetsTheBreakerAndCannotUpgradeAForcedRun()
    {
        for (var i = 0; i < 3; i++) await RunAsync(RunStatus.Failed, force: true);
        var snapshot = await _coordinator.SubmitAsync(new RunRequest("lab", RemediationAction.Snapshot, false, Force: true, new RunTrigger(TriggerKind.Manual, "operator")), CancellationToken.None);

        var alert = await _coordinator.SubmitAsync(Alert(RemediationAction.Recover), CancellationToken.None);

        Assert.Equal(Disposition.CircuitOpen, alert.Disposition);
        var queued = await _store.GetAsync(snapshot.Run!.Id, CancellationToken.None);
        Assert.Equal((RemediationAction.Snapshot, true, 0), (queued!.Action, queued.Force, queued.JoinedCount));
    }

    [Fact]
    public async Task ATriggerThatJoinsARunningRunMeetsTheCooldownOfWhatItAsksFor()
    {
        await RunAsync(RunStatus.Succeeded);
        var snapshot = await _coordinator.SubmitAsync(new RunRequest("lab", RemediationAction.Snapshot, false, false, new RunTrigger(TriggerKind.Manual, "operator")), CancellationToken.None);
        var running = (await _coordinator.BeginAsync(snapshot.Run!.Id, CancellationToken.None))!;

        var alert = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        await running.SaveAsync(new RunFinished(RunStatus.Succeeded, null, _time.GetUtcNow()));
        await _coordinator.CompleteAsync(running, CancellationToken.None);

        Assert.Equal(Disposition.Cooldown, alert.Disposition);
        Assert.DoesNotContain(await _store.ListAsync("lab", 50, CancellationToken.None), r => r.Trigger.Kind == TriggerKind.FollowUp);
    }

    [Fact]
    public async Task AStrongerActionJoiningAQueuedForcedRunRunsWithTheJoinersOwnForce()
    {
        var snapshot = await _coordinator.SubmitAsync(new RunRequest("lab", RemediationAction.Snapshot, false, Force: true, new RunTrigger(TriggerKind.Manual, "operator")), CancellationToken.None);

        var alert = await _coordinator.SubmitAsync(Alert(RemediationAction.Recover) with { IgnoreThresholds = true }, CancellationToken.None);

        Assert.Equal(Disposition.Joined, alert.Disposition);
        Assert.Contains("ignoreThresholds", alert.Reason);
        var queued = await _store.GetAsync(snapshot.Run!.Id, CancellationToken.None);
        Assert.Equal((RemediationAction.Recover, false), (queued!.Action, queued.Force));
    }

    [Fact]
    public async Task AForcedTriggerThatJoinedARunningRunGetsAForcedFollowUp()
    {
        var first = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        var running = (await _coordinator.BeginAsync(first.Run!.Id, CancellationToken.None))!;
        await _coordinator.SubmitAsync(Alert(RemediationAction.Recover, force: true), CancellationToken.None);

        await running.SaveAsync(new RunFinished(RunStatus.Succeeded, null, _time.GetUtcNow()));
        await _coordinator.CompleteAsync(running, CancellationToken.None);

        var followUp = Assert.Single(await _store.ListAsync("lab", 50, CancellationToken.None), r => r.Trigger.Kind == TriggerKind.FollowUp);
        Assert.True(followUp.Force);
        Assert.Equal(RemediationAction.Recover, followUp.Action);
    }

    [Theory]
    [InlineData("FFNF", 1)]
    [InlineData("FFF", 3)]
    [InlineData("FSF", 1)]
    [InlineData("FFRF", 3)]
    [InlineData("FFIS", 0)]
    public async Task TheSameHistoryLeavesTheSameBreakerLiveAndAfterARestart(string history, int failures)
    {
        foreach (var outcome in history)
        {
            await RunAsync(outcome switch
            {
                'F' => RunStatus.Failed,
                'S' => RunStatus.Succeeded,
                'N' => RunStatus.NothingToDo,
                'R' => RunStatus.Refused,
                _ => RunStatus.Interrupted,
            }, force: true);
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        var live = _coordinator.StateOf("lab");

        await _h.RestartAsync();
        var replayed = _coordinator.StateOf("lab");

        Assert.Equal(failures, live.ConsecutiveFailures);
        Assert.Equal(live.ConsecutiveFailures, replayed.ConsecutiveFailures);
        Assert.Equal(live.CircuitOpen, replayed.CircuitOpen);
        Assert.Equal(live.LastSuccessAt, replayed.LastSuccessAt);
    }

    [Fact]
    public async Task AStoreFailureAtTheStartOfARunEndsItSoLaterTriggersDoNotJoinIt()
    {
        var queued = await _coordinator.SubmitAsync(Alert(), CancellationToken.None);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_h.Options.Value.Storage.Path)!, "runs.db*")) File.Delete(file);

        var begun = await _coordinator.BeginAsync(queued.Run!.Id, CancellationToken.None);

        Assert.Null(begun);
        Assert.Null(_coordinator.StateOf("lab").ActiveRunId);
        Assert.Contains("deleted", _store.Fault);
        var run = await _store.GetAsync(queued.Run.Id, CancellationToken.None);
        Assert.Equal(RunStatus.Failed, run!.Status);
        Assert.Contains("could not record its start", run.Reason);
    }

    [Fact]
    public void TheRunStoreIsReadableByItsOwnerOnly() =>
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_h.Options.Value.Storage.Path));
}
