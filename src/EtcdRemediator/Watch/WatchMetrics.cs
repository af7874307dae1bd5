using System.Diagnostics.Metrics;
using EtcdRemediator.Etcd;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Watch;

/// <summary>
/// The watch's gauges, read at scrape time from its latest reading per member (the series the watch variants of the
/// shipped rules use). A member that did not answer the latest reading has no size series (a stale size would alert).
/// </summary>
internal sealed class WatchMetrics(IMeterFactory meters, WatchReadings readings) : IHostedService
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
