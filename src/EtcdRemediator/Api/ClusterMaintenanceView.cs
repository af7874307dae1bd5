using EtcdRemediator.Advisories;
using EtcdRemediator.Calendar;
using EtcdRemediator.Configuration;
using EtcdRemediator.Forecasting;
using EtcdRemediator.Remediation;
using EtcdRemediator.Scheduling;
using EtcdRemediator.Watch;

namespace EtcdRemediator.Api;

/// <summary>A schedule and when it runs next (<c>nextRunAt</c> includes this run's jitter).</summary>
internal sealed record ScheduleView(int Index, string Action, string Cron, string TimeZone, DateTimeOffset? NextDueAt, DateTimeOffset? NextRunAt);

/// <summary>What runs a cluster without an alert: schedules, the window, a deferred run, the watch's last reading.</summary>
internal sealed record ClusterMaintenanceView(
    IReadOnlyList<ScheduleView> Schedules,
    WindowState Window,
    string? DeferredRunId,
    DateTimeOffset? DeferredUntil,
    ClusterStatusView? LastWatchReading)
{
    public static ClusterMaintenanceView From(string cluster, MaintenanceCalendar calendar, ScheduleRunner runner, ClusterRunState state,
        WatchReadings readings, RemediatorOptions options, DateTimeOffset now, Func<ulong, MemberForecastView?>? forecastOf = null,
        DefragRules.DefragRule? rule = null) =>
        new([.. calendar.SchedulesOf(cluster).Select(s =>
            {
                var next = runner.NextOf(s);
                return new ScheduleView(s.Index, s.Action, s.Cron.Text, s.Cron.Zone.Id, next?.Due ?? s.Cron.NextAfter(now), next?.At);
            })],
            calendar.WindowsOf(cluster).StateAt(now),
            state.DeferredUntil is null ? null : state.ActiveRunId,
            state.DeferredUntil,
            readings.Latest(cluster) is { } reading
                ? ClusterStatusView.From(reading.State, reading.Quota, options.Policy.MinFragmentationRatio, options.AcceptedFor(cluster), forecastOf,
                    rule)
                : null);
}
