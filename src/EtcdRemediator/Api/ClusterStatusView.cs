using EtcdRemediator.Advisories;
using EtcdRemediator.Etcd;
using EtcdRemediator.Forecasting;

namespace EtcdRemediator.Api;

/// <summary>One row per member, like `talosctl etcd status` / `etcdctl endpoint status`.</summary>
internal sealed record MemberStatusRow(
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
    string? Error,
    double? FragmentationPercent = null,
    double? QuotaPercent = null,
    IReadOnlyList<MemberAdvisoryView>? Advisories = null,
    MemberForecastView? Forecast = null,
    bool? MatchesDefragRule = null);

internal sealed record ClusterStatusView(
    string Cluster,
    string? Leader,
    IReadOnlyList<string> Alarms,
    string? Error,
    DateTimeOffset ReadAt,
    IReadOnlyList<MemberStatusRow> Members,
    long? QuotaBytes = null,
    bool QuotaReportedByEtcd = false,
    double? MinFragmentationPercent = null,
    string? DefragRule = null)
{
    /// <param name="quota">The members' quota (etcd's own where it says), for "how full": the real limit.</param>
    /// <param name="minFragmentationRatio">The policy's threshold, said only while it is the cluster's rule.</param>
    /// <param name="rule">The cluster's defrag rule: each member says whether it matches, as the planner and the watch would judge.</param>
    /// <param name="acceptedAdvisories">The cluster's <c>AcceptedAdvisories</c>, so each member's advisories say whether they are accepted.</param>
    /// <param name="forecastOf">Each member's forecast (null: not growing, or no history yet).</param>
    public static ClusterStatusView From(ClusterState state, Remediation.Policy.Quota? quota = null, double? minFragmentationRatio = null,
        IReadOnlyCollection<string>? acceptedAdvisories = null, Func<ulong, MemberForecastView?>? forecastOf = null,
        DefragRules.DefragRule? rule = null)
    {
        var leader = state.AgreedLeader;
        var rows = state.Members
            .OrderBy(m => m.Member.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Member.Address.Value, StringComparer.Ordinal)
            .Select(m => new MemberStatusRow(
                Id: m.Member.Id == 0 ? "" : m.Member.HexId,
                Name: m.Member.Name,
                Endpoint: m.Member.Address.Value,
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
                // Every member's status repeats each alarm of the cluster: once the alarm list is read, each alarm is
                // said on the member that holds it (Alarms), not on every row.
                Errors: [.. (m.Status?.Errors ?? []).Where(e => state.AlarmsError is not null || !EtcdAlarm.IsAlarmError(e))
                    .Select(EtcdAlarm.Readable)],
                Error: m.Error,
                FragmentationPercent: m.Status is { DbSize: > 0 } f ? Math.Round(100 * f.FragmentationRatio, 1) : null,
                QuotaPercent: m.Status is { } q && quota is { Bytes: > 0 } limit ? Math.Round(100.0 * q.DbSize / limit.Bytes, 1) : null,
                Advisories: MemberAdvisories.Of(m.Status?.Version, acceptedAdvisories ?? []),
                Forecast: m.Member.Id == 0 ? null : forecastOf?.Invoke(m.Member.Id),
                MatchesDefragRule: rule is null || m.Status is null ? null : Remediation.Policy.Planner.Judge(rule, m.Status, quota).Chosen));
        var alarms = state.Alarms.Select(a => $"{a.Name} on {MemberId.ToHex(a.MemberId)}").ToList();
        if (state.AlarmsError is { } alarmsError) alarms.Add($"unreadable ({alarmsError})");
        return new ClusterStatusView(state.Cluster, leader is { } id ? MemberId.ToHex(id) : null, alarms,
            state.MemberListError, state.ReadAt, [.. rows], quota?.Bytes, quota?.ReportedByEtcd ?? false,
            minFragmentationRatio is { } r && rule is not { IsDefault: false } ? Math.Round(100 * r, 1) : null, rule?.Text);
    }
}
