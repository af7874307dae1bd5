using EtcdRemediator.Calendar;
using EtcdRemediator.Remediation.Coordination;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>Maintenance windows in the coordinator: on a real SQLite file and a fake clock.</summary>
public sealed class DeferralTests : IAsyncLifetime
{
    // Thursday 2026-11-26 12:00 UTC; the window opens Saturdays 01:00 for 4 hours.
    private static readonly DateTimeOffset Thursday = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowOpens = new(2026, 11, 28, 1, 0, 0, TimeSpan.Zero);

    private readonly CoordinatorHarness _h = new(new RemediatorOptions
    {
        Clusters = [new ClusterOptions
        {
            Name = "lab",
            MaintenanceWindows = [new MaintenanceWindowOptions { Cron = "0 1 * * 6", Duration = TimeSpan.FromHours(4) }],
        }],
    }, Thursday);

    private FakeTimeProvider _time => _h.Time;
    private RunStore _store => _h.Store;
    private RemediationCoordinator _coordinator => _h.Coordinator;

    public Task InitializeAsync() => _h.OpenAsync();

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    private static RunRequest Request(string kind, RemediationAction action = RemediationAction.Defrag, bool force = false) =>
        new("lab", action, DryRun: false, force, new RunTrigger(TriggerKinds.Traits.Values.Single(t => t.Name == kind).Kind, "test"));

    /// <summary>What the worker would take next, or null when nothing is queued.</summary>
    private async Task<string?> NextQueuedAsync()
    {
        using var none = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try { return await _coordinator.Queue.DequeueAsync(none.Token); }
        catch (OperationCanceledException) { return null; }
    }

    [Theory]
    [InlineData("alert")]
    [InlineData("schedule")]
    [InlineData("watch")]
    [InlineData("manual")]
    public async Task AnUnforcedDefragOutsideTheWindowIsRecordedAndWaitsForIt(string kind)
    {
        var result = await _coordinator.SubmitAsync(Request(kind), CancellationToken.None);

        Assert.Equal(Disposition.Deferred, result.Disposition);
        Assert.Equal(WindowOpens, result.RetryAfter);
        var stored = await _store.GetAsync(result.Run!.Id, CancellationToken.None);
        Assert.Equal(RunStatus.Deferred, stored!.Status);
        Assert.Equal(WindowOpens, stored.NotBefore);
        Assert.Equal(WindowOpens, _coordinator.StateOf("lab").DeferredUntil);
        Assert.Null(await NextQueuedAsync());
    }

    [Fact]
    public async Task ADeferredRunIsQueuedWhenItsWindowOpensAndNotBefore()
    {
        var deferred = await _coordinator.SubmitAsync(Request("alert"), CancellationToken.None);

        _time.SetUtcNow(WindowOpens.AddSeconds(-1));
        Assert.Equal(0, await _coordinator.ReleaseDueAsync(CancellationToken.None));
        _time.SetUtcNow(WindowOpens);
        Assert.Equal(1, await _coordinator.ReleaseDueAsync(CancellationToken.None));
        Assert.Equal(0, await _coordinator.ReleaseDueAsync(CancellationToken.None));

        Assert.Equal(deferred.Run!.Id, await NextQueuedAsync());
        var released = (await _store.GetAsync(deferred.Run.Id, CancellationToken.None))!;
        Assert.Equal((RunStatus.Queued, (DateTimeOffset?)null), (released.Status, released.NotBefore)); // no stale notBefore
    }

    [Theory]
    [InlineData("alert", nameof(RemediationAction.Recover), false)]   // NOSPACE raised: the cluster refuses writes now
    [InlineData("watch", nameof(RemediationAction.Recover), false)]
    [InlineData("manual", nameof(RemediationAction.Defrag), true)]    // a person decided
    [InlineData("schedule", nameof(RemediationAction.Snapshot), false)] // no disruption
    [InlineData("alert", nameof(RemediationAction.Disarm), false)]
    public async Task RecoverForcedRunsAndNonDisruptiveActionsAreNeverDeferred(string kind, string actionName, bool force)
    {
        var action = Enum.Parse<RemediationAction>(actionName);
        _h.NoSpace.Raised = true;
        var result = await _coordinator.SubmitAsync(Request(kind, action, force), CancellationToken.None);

        Assert.Equal(Disposition.Started, result.Disposition);
        Assert.Equal(result.Run!.Id, await NextQueuedAsync());
    }

    [Fact]
    public async Task ANoSpaceAlertJoiningADeferredDefragReleasesItAsARecover()
    {
        _h.NoSpace.Raised = true;
        var deferred = await _coordinator.SubmitAsync(Request("alert"), CancellationToken.None);

        var joined = await _coordinator.SubmitAsync(Request("alert", RemediationAction.Recover), CancellationToken.None);

        Assert.Equal(Disposition.Joined, joined.Disposition);
        var stored = await _store.GetAsync(deferred.Run!.Id, CancellationToken.None);
        Assert.Equal((RunStatus.Queued, RemediationAction.Recover), (stored!.Status, stored.Action));
        Assert.Equal(deferred.Run.Id, await NextQueuedAsync());
    }

    [Fact]
    public async Task AnAlertsRecoverWithoutNoSpaceWaitsForTheWindowLikeADefrag()
    {
        var result = await _coordinator.SubmitAsync(Request("alert", RemediationAction.Recover), CancellationToken.None);

        Assert.Equal(Disposition.Deferred, result.Disposition);
        Assert.Equal(WindowOpens, result.RetryAfter);
        Assert.Equal(1, _h.NoSpace.Reads);
        Assert.Null(await NextQueuedAsync());
    }

    /// <summary>The second request joined the deferred run, now a recover that still waits for the window: nothing was released.</summary>
    private async Task AssertJoinedADeferredRecoverStillHeldAsync(SubmitResult joined, SubmitResult deferred)
    {
        Assert.Equal(Disposition.Joined, joined.Disposition);
        var stored = await _store.GetAsync(deferred.Run!.Id, CancellationToken.None);
        Assert.Equal((RunStatus.Deferred, RemediationAction.Recover, (DateTimeOffset?)WindowOpens), (stored!.Status, stored.Action, stored.NotBefore));
        Assert.Null(await NextQueuedAsync());
    }

    [Fact]
    public async Task AnAlertsRecoverWithoutNoSpaceJoiningADeferredDefragRaisesItButDoesNotReleaseIt()
    {
        var deferred = await _coordinator.SubmitAsync(Request("alert"), CancellationToken.None);

        var joined = await _coordinator.SubmitAsync(Request("alert", RemediationAction.Recover), CancellationToken.None);

        await AssertJoinedADeferredRecoverStillHeldAsync(joined, deferred);
    }

    /// <summary>Found by a new user: an operator's unforced defrag released a deferred recover from an alert.</summary>
    [Fact]
    public async Task AnOperatorsUnforcedDefragJoiningADeferredRecoverDoesNotReleaseIt()
    {
        var deferred = await _coordinator.SubmitAsync(Request("alert", RemediationAction.Recover), CancellationToken.None);

        var joined = await _coordinator.SubmitAsync(Request("manual"), CancellationToken.None);

        await AssertJoinedADeferredRecoverStillHeldAsync(joined, deferred);
    }

    [Fact]
    public async Task AnOperatorsRecoverDoesNotWaitAndNeedsNoAlarmRead()
    {
        var result = await _coordinator.SubmitAsync(Request("manual", RemediationAction.Recover), CancellationToken.None);

        Assert.Equal(Disposition.Started, result.Disposition);
        Assert.Equal(0, _h.NoSpace.Reads);
    }

    [Fact]
    public async Task ASnapshotJoiningADeferredDefragDoesNotReleaseIt()
    {
        var deferred = await _coordinator.SubmitAsync(Request("alert"), CancellationToken.None);

        await _coordinator.SubmitAsync(Request("schedule", RemediationAction.Snapshot), CancellationToken.None);

        Assert.Equal(RunStatus.Deferred, (await _store.GetAsync(deferred.Run!.Id, CancellationToken.None))!.Status);
        Assert.Null(await NextQueuedAsync());
    }

    [Fact]
    public async Task ADeferredRunSurvivesARestartAndIsReleasedOnce()
    {
        var deferred = await _coordinator.SubmitAsync(Request("alert"), CancellationToken.None);
        await RestartAsync(WindowOpens.AddHours(-1));
        Assert.Equal(deferred.Run!.Id, _coordinator.StateOf("lab").ActiveRunId);
        var again = await _coordinator.SubmitAsync(Request("alert"), CancellationToken.None);
        Assert.Equal((Disposition.Joined, deferred.Run.Id), (again.Disposition, again.Run!.Id)); // one run per cluster across the restart

        await RestartAsync(WindowOpens.AddMinutes(30)); // the service was down when the window opened

        Assert.Equal(1, await _coordinator.ReleaseDueAsync(CancellationToken.None));
        Assert.Equal(0, await _coordinator.ReleaseDueAsync(CancellationToken.None));
        Assert.Equal(deferred.Run.Id, await NextQueuedAsync());
        Assert.Null(await NextQueuedAsync());
    }

    private Task RestartAsync(DateTimeOffset at) => _h.RestartAsync(at);

    [Fact]
    public async Task InsideTheWindowADefragStartsAtOnce()
    {
        _time.SetUtcNow(WindowOpens.AddHours(1));

        var result = await _coordinator.SubmitAsync(Request("alert"), CancellationToken.None);

        Assert.Equal(Disposition.Started, result.Disposition);
    }

    // The action by name: the service's enums are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string, bool, bool, bool, bool> Rules => new()
    {
        // action, dry run, force, window open, deferred
        { nameof(RemediationAction.Defrag), false, false, false, true },
        { nameof(RemediationAction.Defrag), false, false, true, false },
        { nameof(RemediationAction.Defrag), true, false, false, false },
        { nameof(RemediationAction.Defrag), false, true, false, false },
        { nameof(RemediationAction.Recover), false, false, false, true },  // no NOSPACE raised: a defrag by another name
        { nameof(RemediationAction.Recover), false, false, true, false },
        { nameof(RemediationAction.Recover), false, true, false, false },
        { nameof(RemediationAction.Snapshot), false, false, false, false },
        { nameof(RemediationAction.Disarm), false, false, false, false },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void OnlyAnUnforcedRealDefragOrRecoverWithoutNoSpaceOutsideAWindowWaits(string actionName, bool dryRun, bool force, bool open,
        bool deferred)
    {
        var action = Enum.Parse<RemediationAction>(actionName);
        var window = new WindowState(true, open, null, WindowOpens);

        Assert.Equal(deferred, DeferralRule.Defers(new RunRequest("lab", action, dryRun, force, new RunTrigger(TriggerKind.Alert, "t")), window));
        Assert.False(DeferralRule.Defers(new RunRequest("lab", action, dryRun, force, new RunTrigger(TriggerKind.Alert, "t"), NoSpace: true), window)
            && action == RemediationAction.Recover);
    }

    [Fact]
    public void WithoutAnyWindowNothingWaits()
    {
        Assert.False(DeferralRule.Defers(Request("alert"), MaintenanceWindows.AlwaysOpen.StateAt(Thursday)));
    }

    [Fact]
    public async Task ADeferredRunWhoseWindowPassedWhileTheServiceWasDownWaitsForTheNextOpening()
    {
        var deferred = await _coordinator.SubmitAsync(Request("alert"), CancellationToken.None);
        // Down from Thursday until Saturday 06:00, an hour after the 4-hour window closed.
        _time.SetUtcNow(WindowOpens + TimeSpan.FromHours(5));

        var released = await _coordinator.ReleaseDueAsync(CancellationToken.None);

        Assert.Equal(0, released);
        Assert.Null(await NextQueuedAsync());
        var stored = await _store.GetAsync(deferred.Run!.Id, CancellationToken.None);
        Assert.Equal((RunStatus.Deferred, WindowOpens.AddDays(7)), (stored!.Status, stored.NotBefore));
    }

    [Fact]
    public async Task WhoReleasedADeferredRunByForceIsKeptInTheRun()
    {
        var deferred = await _coordinator.SubmitAsync(Request("watch"), CancellationToken.None);

        await _coordinator.SubmitAsync(Request("manual", force: true) with { Trigger = new RunTrigger(TriggerKind.Manual, "127.0.0.1 curl/8.5 (operator)") }, CancellationToken.None);

        var stored = await _store.GetAsync(deferred.Run!.Id, CancellationToken.None);
        Assert.Equal(RunStatus.Queued, stored!.Status);
        var release = Assert.Single(stored.JoinedTriggers);
        Assert.Equal((TriggerKind.Manual, "127.0.0.1 curl/8.5 (operator)", true, "released the deferred run"), (release.Kind, release.Source, release.Force, release.Effect));
    }
}
