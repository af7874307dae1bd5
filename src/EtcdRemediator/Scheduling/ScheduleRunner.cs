using System.Collections.Concurrent;
using EtcdRemediator.Calendar;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Coordination;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Scheduling;

/// <summary>
/// Starts the configured schedules' runs, and releases deferred runs when their window opens. A
/// scheduled run is an ordinary, unforced trigger (kind "schedule"): thresholds, gate, cooldown,
/// breaker and windows apply as to an alert. At start-up each schedule runs once if it was missed
/// within <see cref="SchedulingOptions.MissedRunGrace"/>.
/// </summary>
internal sealed class ScheduleRunner(
    MaintenanceCalendar calendar,
    ScheduleMarkStore marks,
    RemediationCoordinator coordinator,
    IOptions<RemediatorOptions> options,
    TimeProvider time,
    ILogger<ScheduleRunner> logger,
    Random? random = null) : BackgroundService
{
    /// <summary>The jitter's source: a test passes a seeded one, the service the shared one.</summary>
    private readonly Random _random = random ?? Random.Shared;

    /// <summary>How often the clock is looked at: a schedule's time and a window's opening are met within this.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Due, DateTimeOffset At)> _next = new();

    /// <summary>When a schedule runs next: its cron's occurrence, and that plus this run's jitter.</summary>
    public (DateTimeOffset Due, DateTimeOffset At)? NextOf(Schedule schedule) =>
        _next.TryGetValue(schedule.Key, out var next) ? next : null;

    /// <summary>
    /// One loop on one timer, made before anything is awaited: at each tick, deferred runs whose window
    /// is open are released and every schedule whose time has come fires. A clock set forward (by an
    /// operator, or a test's fake clock) is seen at the next tick, and no wait is longer than a tick.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        var schedules = calendar.AllSchedules.ToList();
        try
        {
            var known = schedules.Count > 0 ? await LoadMarksAsync(stoppingToken) : [];
            foreach (var schedule in schedules)
                await CatchUpAsync(schedule, known.TryGetValue(schedule.Key, out var last) ? last : null, stoppingToken);
            do
            {
                // Side by side: a recover that reads the alarms (up to a request timeout) holds no other schedule back.
                var now = time.GetUtcNow();
                await Task.WhenAll([ReleaseAsync(stoppingToken), .. schedules
                    .Select(s => (Schedule: s, Next: NextOf(s)))
                    .Where(x => x.Next is { } next && now >= next.At)
                    .Select(x => FireDueAsync(x.Schedule, x.Next!.Value.Due, now, stoppingToken))]);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<Dictionary<string, DateTimeOffset>> LoadMarksAsync(CancellationToken stoppingToken)
    {
        // The store opened before this service started; a read can still fail, and then nothing is owed.
        try
        {
            return await marks.LoadAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError("Schedules start without their history (missed runs are not caught up): {Error}", e.Message);
            return [];
        }
    }

    private async Task ReleaseAsync(CancellationToken stoppingToken)
    {
        try
        {
            await coordinator.ReleaseDueAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError("Deferred runs could not be released now (next try in {Tick}): {Error}", Tick, e.Message);
        }
    }

    /// <summary>At start-up: a run missed within the grace runs once now; then the next occurrence after the last one.</summary>
    private async Task CatchUpAsync(Schedule schedule, DateTimeOffset? lastDue, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        if (lastDue is null) await FirstSeenAsync(schedule, now, stoppingToken);
        else if (MissedRuns.CatchUp(schedule.Cron, lastDue, now, options.Value.Scheduling.MissedRunGrace) is { } missed)
            await FireAsync(schedule, missed, " (missed while the service was down)", stoppingToken);
        PlanNext(schedule, lastDue > now ? lastDue.Value : now);
    }

    /// <summary>
    /// The planned occurrence has come. A clock set forward past several occurrences fires once, the
    /// latest within the grace (as after a restart), or none; then the first occurrence after now is next.
    /// </summary>
    private async Task FireDueAsync(Schedule schedule, DateTimeOffset due, DateTimeOffset now, CancellationToken stoppingToken)
    {
        var settings = options.Value.Scheduling;
        if (MissedRuns.CatchUp(schedule.Cron, due.AddTicks(-1), now, settings.MissedRunGrace + settings.Jitter) is { } fire)
            await FireAsync(schedule, fire, fire == due ? "" : " (the clock moved past earlier occurrences)", stoppingToken);
        else
            logger.LogWarning("{Schedule} of {Cluster} due {Due:O} is more than {Grace} past at {Now:O} (the clock moved forward): not run",
                schedule, schedule.Cluster, due, settings.MissedRunGrace, now);
        PlanNext(schedule, now);
    }

    private void PlanNext(Schedule schedule, DateTimeOffset from)
    {
        if (schedule.Cron.NextAfter(from) is { } due)
        {
            _next[schedule.Key] = (due, due + Jitter.Next(options.Value.Scheduling.Jitter, _random));
            return;
        }
        _next.TryRemove(schedule.Key, out _);
        logger.LogWarning("{Schedule} of {Cluster} has no further occurrence", schedule, schedule.Cluster);
    }

    /// <summary>
    /// Marks the occurrence first, then asks for the run: a crash between the two loses that one run
    /// (the next occurrence comes), where the other order could run it twice.
    /// </summary>
    private async Task FireAsync(Schedule schedule, DateTimeOffset due, string note, CancellationToken stoppingToken)
    {
        try
        {
            await MarkAsync(schedule, due, stoppingToken);
            _ = RemediationActions.TryParse(schedule.Action, out var action); // the configuration check has refused others
            var trigger = new RunTrigger(TriggerKind.Schedule, $"{schedule}, due {due:O}{note}");
            var result = await coordinator.SubmitAsync(new RunRequest(schedule.Cluster, action, DryRun: false, Force: false, trigger), stoppingToken);
            logger.LogInformation("{Schedule} of {Cluster} due {Due:O}{Note}: {Disposition} {RunId}{Reason}", schedule, schedule.Cluster, due, note,
                result.Disposition, result.Run?.Id, result.Reason is null ? "" : $" ({result.Reason})");
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError("{Schedule} of {Cluster} due {Due:O} could not start: {Error}", schedule, schedule.Cluster, due, e.Message);
        }
    }

    /// <summary>A schedule seen for the first time owes nothing before now; remembered so a restart knows.</summary>
    private async Task FirstSeenAsync(Schedule schedule, DateTimeOffset now, CancellationToken stoppingToken)
    {
        try
        {
            await MarkAsync(schedule, now, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("{Schedule} of {Cluster}: its start could not be recorded ({Error}); a restart will not catch up runs it misses",
                schedule, schedule.Cluster, e.Message);
        }
    }

    private Task MarkAsync(Schedule schedule, DateTimeOffset due, CancellationToken stoppingToken) =>
        marks.SaveAsync(schedule.Key, due, stoppingToken);
}
