using EtcdRemediator.Etcd;

namespace EtcdRemediator.Api;

/// <summary>One row per member, like `talosctl etcd status` / `etcdctl endpoint status`.</summary>
public sealed record MemberStatusRow(
    string Id,
    string Name,
    string Endpoint,
    string? Version,
    long? DbSize,
    long? DbSizeInUse,
    double? UtilisationPercent,
    bool IsLeader,
    bool IsLearner,
    ulong? RaftTerm,
    ulong? RaftIndex,
    ulong? RaftAppliedIndex,
    IReadOnlyList<string> Alarms,
    IReadOnlyList<string> Errors,
    string? Error);

public sealed record ClusterStatusView(
    string Cluster,
    string? Leader,
    IReadOnlyList<string> Alarms,
    string? Error,
    DateTimeOffset ReadAt,
    IReadOnlyList<MemberStatusRow> Members)
{
    public static ClusterStatusView From(ClusterState state)
    {
        var leader = state.AgreedLeader;
        var rows = state.Members.OrderBy(m => m.Member.Name, StringComparer.Ordinal).ThenBy(m => m.Member.Endpoint, StringComparer.Ordinal).Select(m => new MemberStatusRow(
            Id: m.Member.Id == 0 ? "" : m.Member.HexId,
            Name: m.Member.Name,
            Endpoint: m.Member.Endpoint,
            Version: m.Status?.Version,
            DbSize: m.Status?.DbSize,
            DbSizeInUse: m.Status?.DbSizeInUse,
            UtilisationPercent: m.Status is { DbSize: > 0 } s ? Math.Round(100.0 * s.DbSizeInUse / s.DbSize, 1) : null,
            IsLeader: leader is { } l && l == m.Member.Id,
            IsLearner: m.Member.IsLearner,
            RaftTerm: m.Status?.RaftTerm,
            RaftIndex: m.Status?.RaftIndex,
            RaftAppliedIndex: m.Status?.RaftAppliedIndex,
            Alarms: [.. state.Alarms.Where(a => a.MemberId == m.Member.Id).Select(a => a.Name)],
            Errors: m.Status?.Errors ?? [],
            Error: m.Error));
        var alarms = state.Alarms.Select(a => $"{a.Name} on {MemberId.ToHex(a.MemberId)}").ToList();
        if (state.AlarmsError is { } alarmsError) alarms.Add($"alarms unreadable: {alarmsError}");
        return new ClusterStatusView(state.Cluster, leader is { } id ? MemberId.ToHex(id) : null, alarms,
            state.MemberListError, state.ReadAt, [.. rows]);
    }
}
