using EtcdRemediator.Etcd;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>
/// The rule that no trigger, force flag or policy bypasses: defragmenting blocks its member, so
/// we never start while another voting member is down, leadership is unclear or data is corrupt.
/// NOSPACE is not a reason to stop: it is the reason to act.
/// </summary>
internal static class SafetyGate
{
    /// <summary>Null when it is safe to defragment; otherwise the reason, naming the member.</summary>
    public static string? Check(ClusterState state)
    {
        if (state.MemberListError is { } listError)
            return $"the member list cannot be read: {listError}";
        if (SharedEndpoint(state) is { } shared)
            return shared;
        foreach (var wrong in state.Members.Where(m => m.AnsweredAs is not null))
            return $"member {Describe(wrong.Member)} cannot be reached at its own address: {wrong.Error}" +
                $"{(state.Find(wrong.AnsweredAs!.Value) is { } other ? $" ({other.Member.Name})" : "")}; check its --advertise-client-urls";
        foreach (var down in state.Voting.Where(m => !m.Reachable))
            return $"voting member {Describe(down.Member)} is unreachable ({down.Error}); " +
                $"defragmenting another member could cost the cluster its quorum";
        if (state.AlarmsError is { } alarmsError)
            return $"the alarm list cannot be read ({alarmsError}), so a CORRUPT alarm cannot be ruled out";
        if (state.Alarms.FirstOrDefault(a => a.Kind == AlarmKind.Corrupt) is { } corrupt)
            return $"a CORRUPT alarm is active on member {MemberId.ToHex(corrupt.MemberId)}; restore from a snapshot instead of defragmenting";
        var leaders = state.Voting.Select(m => m.Status!.Leader).Distinct().ToList();
        if (leaders is [0])
            return "the cluster has no leader";
        if (leaders.Count > 1)
            return $"members disagree about the leader ({string.Join(", ", leaders.Select(MemberId.ToHex))}); wait for the election to settle";
        if (leaders[0] == 0 || state.Find(leaders[0]) is null)
            return $"the leader {MemberId.ToHex(leaders[0])} is not in the member list";
        return null;
    }

    /// <summary>Two members behind one address: a call meant for one would reach the other.</summary>
    private static string? SharedEndpoint(ClusterState state) =>
        state.Members.Where(m => m.Member.Address.IsKnown && m.Member.Id != 0)
            .GroupBy(m => m.Member.Address.Value, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault(g => g.Count() > 1) is { } group
            ? $"members {string.Join(" and ", group.Select(m => $"{m.Member.Name} ({m.Member.HexId})"))} are both reached at {group.Key}: " +
              "a call meant for one would reach the other; give each member its own --advertise-client-urls"
            : null;

    public static string Describe(EtcdMember member) =>
        $"{(member.Name.Length > 0 ? member.Name : "(unstarted)")} ({member.HexId}, {member.Address.Value})";
}
