using System.Diagnostics.Metrics;
using EtcdRemediator.Calendar;
using EtcdRemediator.Clusters;
using EtcdRemediator.Etcd;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Remediation.Rules;
using EtcdRemediator.Remediation.Runs;

namespace EtcdRemediator.Scheduling;

/// <summary>
/// Gauges read at scrape time: the watch's latest reading per member (the series the watch variants
/// of the shipped rules use), and per cluster the next scheduled run, the window and deferred runs.
/// A member that did not answer the latest reading has no size series (a stale size would alert).
/// </summary>
internal sealed class MaintenanceMetrics(
    IMeterFactory meters,
    WatchReadings readings,
    MaintenanceCalendar calendar,
    ScheduleRunner schedules,
    RemediationCoordinator coordinator,
    EtcdClusterRegistry clusters,
    TimeProvider time) : IHostedService
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000",
        Justification = "A meter from IMeterFactory belongs to the factory, which disposes it with the host.")]
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var meter = meters.Create(RemediatorTelemetry.Name);
        Member(meter, "etcd_remediator_member_db_size_bytes", "Member's database file size, as the watch last read it", (_, s) => s.DbSize);
        Member(meter, "etcd_remediator_member_db_size_in_use_bytes", "Member's database size in use (the rest is free pages)",
            (_, s) => s.DbSizeInUse);
        Member(meter, "etcd_remediator_member_fragmentation_ratio", "Share of the member's file that defragmentation would give back",
            (_, s) => Math.Round(s.FragmentationRatio, 4));
        Member(meter, "etcd_remediator_member_quota_bytes", "The members' space quota (etcd's own where it reports it)", (r, _) => r.Quota.Bytes);
        Member(meter, "etcd_remediator_member_leader", "1 on the member that leads", (r, s) => s.Leader == s.MemberId && s.MemberId != 0 ? 1 : 0);
        meter.CreateObservableGauge("etcd_remediator_member_up", () => readings.All.SelectMany(r => r.State.Members
                .Where(m => m.Member.Id != 0)
                .Select(m => new Measurement<int>(m.Reachable ? 1 : 0, MemberTags(r.State.Cluster, m.Member)))),
            description: "1 when the member answered the watch's latest reading");
        meter.CreateObservableGauge("etcd_remediator_member_alarm", () => readings.All.SelectMany(r => r.State.Alarms
                .Select(a => new Measurement<int>(1, Tag("cluster", r.State.Cluster), Tag("member_id", MemberId.ToHex(a.MemberId)),
                    Tag("alarm", a.Name)))),
            description: "1 per alarm active in the watch's latest reading (NOSPACE, CORRUPT)");
        meter.CreateObservableGauge("etcd_remediator_watch_last_read_timestamp_seconds", () => readings.All
                .Select(r => new Measurement<double>(r.State.ReadAt.ToUnixTimeMilliseconds() / 1000.0, Tag("cluster", r.State.Cluster))),
            description: "When the watch last read the cluster (Unix seconds)");
        meter.CreateObservableGauge("etcd_remediator_schedule_next_run_timestamp_seconds", () => calendar.AllSchedules
                .Select(s => (s, next: schedules.NextOf(s)))
                .Where(x => x.next is not null)
                .Select(x => new Measurement<double>(x.next!.Value.At.ToUnixTimeMilliseconds() / 1000.0,
                    Tag("cluster", x.s.Cluster), Tag("action", x.s.Action),
                    Tag("schedule", x.s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
            description: "When the schedule's next run starts (Unix seconds, jitter included)");
        meter.CreateObservableGauge("etcd_remediator_deferred_runs", () => clusters.All
                .Select(c => new Measurement<int>(coordinator.StateOf(c.Name).DeferredUntil is null ? 0 : 1, Tag("cluster", c.Name))),
            description: "Runs waiting for the cluster's maintenance window");
        meter.CreateObservableGauge("etcd_remediator_maintenance_window_open", () => clusters.All
                .Select(c => new Measurement<int>(calendar.WindowsOf(c.Name).IsOpen(time.GetUtcNow()) ? 1 : 0, Tag("cluster", c.Name))),
            description: "1 while disruptive automatic work may start on the cluster (always, when no window is configured)");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Member<T>(Meter meter, string name, string description, Func<WatchReading, MemberStatus, T> value) where T : struct =>
        meter.CreateObservableGauge(name, () => readings.All.SelectMany(r => r.State.Members
                .Where(m => m.Reachable)
                .Select(m => new Measurement<T>(value(r, m.Status!), MemberTags(r.State.Cluster, m.Member)))),
            description: description);

    private static KeyValuePair<string, object?>[] MemberTags(string cluster, EtcdMember member) =>
        [Tag("cluster", cluster), Tag("member", member.Name), Tag("member_id", member.HexId)];

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
