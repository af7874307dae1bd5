using EtcdRemediator.Etcd;

namespace EtcdRemediator.Remediation;

/// <summary>Pure: whether the member a backend would hand leadership to can take it.</summary>
public static class SuccessorRule
{
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
