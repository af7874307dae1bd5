using EtcdRemediator.Calendar;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Scheduling;
using EtcdRemediator.Tests.Remediation;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdRemediator.Tests.Scheduling;

/// <summary>The schedule runner on a fake clock, with the real coordinator and SQLite store (no worker: runs stay queued).</summary>
public sealed class ScheduleRunnerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Sunday = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero); // the cron's occurrence

    private readonly CoordinatorHarness _h = new(new RemediatorOptions
    {
        Clusters = [new ClusterOptions { Name = "lab", Schedules = [new ScheduleOptions { Action = "defrag", Cron = "0 3 * * 0" }] }],
        Scheduling = new SchedulingOptions { Jitter = TimeSpan.Zero, MissedRunGrace = TimeSpan.FromHours(2) },
    }, Sunday.AddHours(1));

    private ScheduleMarkStore? _marksStore;
    private FakeTimeProvider _time => _h.Time;
    private RunStore _store => _h.Store;
    private ScheduleMarkStore _marks => _marksStore ??= new ScheduleMarkStore(_h.Database);
    private RemediationCoordinator _coordinator => _h.Coordinator;
    private Schedule TheSchedule => Assert.Single(_h.Calendar.AllSchedules);

    public Task InitializeAsync() => _h.OpenAsync();

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    private ScheduleRunner NewRunner() => new(_h.Calendar, _marks, _coordinator, _h.Options, _time, NullLogger<ScheduleRunner>.Instance);

    /// <summary>Polls (a condition, never the clock: the fake clock moves only when a test moves it) for up to 5 s.</summary>
    private static async Task UntilAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await done()) return;
            await Task.Delay(10);
        }
        throw new TimeoutException("the schedule runner did not get there");
    }

    private async Task<List<RunRecord>> RunsUntilAsync(Func<List<RunRecord>, bool> done)
    {
        List<RunRecord> runs = [];
        await UntilAsync(async () => done(runs = await _store.ListAsync("lab", 50, CancellationToken.None)));
        return runs;
    }

    [Fact]
    public async Task AScheduleMissedWhileTheServiceWasDownRunsOnceAtStartUpAndThenOnItsCron()
    {
        await _marks.SaveAsync(TheSchedule.Key, Sunday.AddDays(-7), CancellationToken.None); // last fired a week before
        var runner = NewRunner();
        await runner.StartAsync(CancellationToken.None);
        try
        {
            var runs = await RunsUntilAsync(r => r.Count > 0);
            var missed = Assert.Single(runs);
            Assert.Equal((TriggerKind.Schedule, RunStatus.Queued), (missed.Trigger.Kind, missed.Status));
            Assert.Contains("due 2026-11-29T03:00:00", missed.Trigger.Source, StringComparison.Ordinal);
            Assert.Contains("missed while the service was down", missed.Trigger.Source, StringComparison.Ordinal);
            Assert.Equal(Sunday, (await _marks.LoadAsync(CancellationToken.None))[TheSchedule.Key]);

            // A week on, the next occurrence fires: the first run is still queued (no worker here), so it
            // joins it (in memory: a join that changes nothing is not written); the store marks it fired.
            // The clock moves once, to the occurrence: the runner's one timer sees it at its next tick.
            await UntilAsync(async () => runner.NextOf(TheSchedule)?.Due == Sunday.AddDays(7));
            _time.SetUtcNow(Sunday.AddDays(7));
            await UntilAsync(async () => (await _marks.LoadAsync(CancellationToken.None))[TheSchedule.Key] == Sunday.AddDays(7));
            Assert.Single(await _store.ListAsync("lab", 50, CancellationToken.None));
            Assert.Equal(missed.Id, _coordinator.StateOf("lab").ActiveRunId);
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AScheduleMissedBeyondTheGraceIsSkippedAndAFirstSeenOneOwesNothing()
    {
        _time.SetUtcNow(Sunday.AddHours(3)); // back at 06:00: the 2 h grace is over
        await _marks.SaveAsync(TheSchedule.Key, Sunday.AddDays(-7), CancellationToken.None);
        var runner = NewRunner();
        await runner.StartAsync(CancellationToken.None);
        try
        {
            // The runner has looked (its next run is known) and started nothing.
            await UntilAsync(async () => runner.NextOf(TheSchedule) is not null);
            Assert.Equal(Sunday.AddDays(7), runner.NextOf(TheSchedule)!.Value.Due);
            Assert.Empty(await _store.ListAsync("lab", 50, CancellationToken.None));
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    /// <param name="hoursPast">How far past the third missed occurrence the clock lands (the grace is 2 h).</param>
    [Theory]
    [InlineData(0.5, true)]
    [InlineData(5, false)]
    public async Task AClockSetForwardPastSeveralOccurrencesFiresTheLatestOnceAndOnlyWithinTheGrace(double hoursPast, bool runs)
    {
        await _marks.SaveAsync(TheSchedule.Key, Sunday, CancellationToken.None); // this morning's fired: nothing owed
        var runner = NewRunner();
        await runner.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(async () => runner.NextOf(TheSchedule)?.Due == Sunday.AddDays(7));
            _time.SetUtcNow(Sunday.AddDays(21).AddHours(hoursPast)); // three Sundays on, at once

            await UntilAsync(async () => runner.NextOf(TheSchedule)?.Due == Sunday.AddDays(28));
            var stored = await _store.ListAsync("lab", 50, CancellationToken.None);
            var marked = (await _marks.LoadAsync(CancellationToken.None))[TheSchedule.Key];
            if (runs)
            {
                var run = Assert.Single(stored);
                Assert.Contains("due 2026-12-20T03:00:00", run.Trigger.Source, StringComparison.Ordinal); // the latest, not the first
                Assert.Equal(0, run.JoinedCount); // fired once, not once per occurrence
                Assert.Equal(Sunday.AddDays(21), marked);
            }
            else
            {
                Assert.Empty(stored);
                Assert.Equal(Sunday, marked);
            }
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }
}
