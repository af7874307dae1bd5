using EtcdRemediator.Etcd;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>Pure: to whom the leader hands leadership, and whether the member a backend would pick can take it.</summary>
internal static class SuccessorRule
{
    /// <summary>
    /// The reachable voting follower furthest ahead (the least to catch up after the handover), the
    /// smaller file on a tie; null in a single-member cluster (nobody to hand over to).
    /// </summary>
    public static MemberState? Preferred(ClusterState state, ulong leaderId) =>
        state.Voting
            .Where(m => m.Reachable && m.Member.Id != leaderId)
            .OrderByDescending(m => m.Status!.RaftAppliedIndex)
            .ThenBy(m => m.Status!.DbSize)
            .FirstOrDefault();

    /// <returns>Null when <paramref name="successor"/> is a voting member that answered in
    /// <paramref name="state"/>; otherwise who it is and why it cannot lead, in words.</returns>
    public static string? Unfit(EtcdMember? successor, ClusterState state)
    {
        if (successor is null) return "nobody";
        var name = $"{(successor.Name.Length > 0 ? successor.Name : "an unnamed member")} ({successor.HexId})";
        var member = state.Members.FirstOrDefault(m => m.Member.Id == successor.Id);
        if (member is null) return $"{name}, which is not in the member list";
        if (member.Member.IsLearner || member.Status?.IsLearner == true) return $"{name}, a learner";
        if (!member.Reachable) return $"{name}, which does not answer ({member.Error})";
        return null;
    }
}
