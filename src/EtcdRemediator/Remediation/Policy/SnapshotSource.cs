using EtcdRemediator.Etcd;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>
/// Pure: which member a snapshot is streamed from. A reachable voting member with no alarm but
/// NOSPACE (a CORRUPT member's data is the one thing a snapshot must not preserve), a follower
/// before the leader (spares the leader), the one furthest ahead first (the most current copy).
/// </summary>
internal static class SnapshotSource
{
    public static MemberState? Choose(ClusterState state) =>
        state.Voting
            .Where(m => m.Reachable && !state.Alarms.Any(a => a.MemberId == m.Member.Id && a.Kind != AlarmKind.NoSpace))
            .OrderBy(m => m.Member.Id == state.AgreedLeader)
            .ThenByDescending(m => m.Status!.RaftAppliedIndex)
            .FirstOrDefault();

    /// <summary>Why there is no source: for the run's reason.</summary>
    public static string WhyNone(ClusterState state) =>
        state.Voting.Any(m => m.Reachable)
            ? $"every reachable member holds an alarm " +
              $"({string.Join(", ", state.Alarms.Select(a => $"{a.Name} on {MemberId.ToHex(a.MemberId)}"))}), " +
              $"so no snapshot is taken from any of them"
            : "no member answers, so no snapshot can be taken";
}
