using EtcdRemediator.Etcd;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>The quota a decision used, and where it came from (etcd itself, or the configuration).</summary>
internal sealed record Quota(long Bytes, bool ReportedByEtcd)
{
    public override string ToString() =>
        ReportedByEtcd
            ? $"{ByteSize.Exact(Bytes)} quota (reported by etcd)"
            : $"{ByteSize.Exact(Bytes)} quota (configured; etcd did not report its own)";
}

/// <summary>Null Blockers: disarm; otherwise who stands in the way, in words that name them.</summary>
internal sealed record DisarmDecision(Quota Quota, long Limit, IReadOnlyList<string> Blockers)
{
    public bool Disarm => Blockers.Count == 0;
}

/// <summary>
/// Pure: when NOSPACE may be disarmed. Only once every voting member's file is below quota x ratio
/// (a learner that has not started holds no data and does not count). The quota is the smallest one
/// the members report (etcd 3.6's status, or 3.4/3.5's metrics), the configured one only where none
/// is reported: disarming against a larger quota than etcd's own brings NOSPACE straight back.
/// </summary>
internal static class DisarmRule
{
    public static Quota QuotaOf(IReadOnlyDictionary<ulong, long> reported, long configured) =>
        reported.Values.Where(q => q > 0).DefaultIfEmpty(0).Min() is var min and > 0 ? new Quota(min, true) : new Quota(configured, false);

    /// <summary>Decides on the file size (<see cref="MemberStatus.DbSize"/>): what etcd compares to its quota.</summary>
    public static DisarmDecision Decide(ClusterState state, Quota quota, double ratio) =>
        Decide(state, quota, ratio, s => s.DbSize, "dbSize");

    /// <summary>
    /// The rule on the data in use: when it alone is over the limit, no compaction or defragment can
    /// bring the file under it, and the run should say so before touching anything. Every voting
    /// member holds the same data, and a member's reading can only be too high: etcd counts freed
    /// pages as free only once a later write transaction commits on that member, and NOSPACE refuses
    /// writes (etcd 3.5 after `etcdctl del`: every member but one still read the deleted data). So
    /// the smallest reading of the voting members decides.
    /// </summary>
    public static DisarmDecision DecideOnDataInUse(ClusterState state, Quota quota, double ratio)
    {
        var limit = (long)(quota.Bytes * ratio);
        var smallest = state.Voting.Where(m => m.Status is not null).MinBy(m => m.Status!.DbSizeInUse);
        return smallest is null || smallest.Status!.DbSizeInUse < limit
            ? new DisarmDecision(quota, limit, [])
            : new DisarmDecision(quota, limit,
                [$"{smallest.Member.Name} ({smallest.Member.HexId}) in use {ByteSize.Exact(smallest.Status.DbSizeInUse)}, " +
                 $"the smallest reading of the voting members"]);
    }

    private static DisarmDecision Decide(ClusterState state, Quota quota, double ratio, Func<MemberStatus, long> size, string what)
    {
        var limit = (long)(quota.Bytes * ratio);
        var blockers = state.Voting
            .Where(m => m.Status is null || size(m.Status) >= limit)
            .Select(m => m.Status is null
                ? $"{SafetyGate.Describe(m.Member)} does not answer ({m.Error})"
                : $"{m.Member.Name} ({m.Member.HexId}) {what} {ByteSize.Exact(size(m.Status))}")
            .ToList();
        return new DisarmDecision(quota, limit, blockers);
    }
}
