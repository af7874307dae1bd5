using EtcdRemediator.Etcd;
using EtcdRemediator.Configuration;

namespace EtcdRemediator.Remediation;

/// <summary>
/// Pure: cluster state + action + policy -> ordered plan or refusal. Followers most fragmented
/// first, the leader last; learners are never planned.
/// </summary>
public static class Planner
{
    /// <summary>
    /// <c>defrag</c> takes the members past the thresholds; <c>recover</c> takes every voting member
    /// while a NOSPACE alarm is active (the cluster refuses writes), and the thresholds otherwise, so a
    /// forced recover of a healthy cluster does not rewrite every member for nothing;
    /// <paramref name="ignoreThresholds"/> takes every voting member, as asked.
    /// </summary>
    public static RemediationPlan Plan(ClusterState state, RemediationAction action, PolicyOptions policy, bool ignoreThresholds = false)
    {
        if (!action.Of().Rewrites)
            return new RemediationPlan(PlanVerdict.Proceed, [], null);
        if (SafetyGate.Check(state) is { } refusal)
            return RemediationPlan.Refuse(refusal);

        var leader = state.AgreedLeader!.Value;
        var everyMember = ignoreThresholds || (action.Of().Recovers && state.HasAlarm(AlarmKind.NoSpace));
        var candidates = state.Voting.Where(m => everyMember || Fragmented(m.Status!, policy));
        var ordered = candidates
            .OrderBy(m => m.Member.Id == leader)
            .ThenByDescending(m => m.Status!.FragmentationRatio)
            .ThenBy(m => m.Member.Name, StringComparer.Ordinal)
            .Select(m => new PlannedMember(m.Member.HexId, m.Member.Name, m.Member.Address.Value, m.Member.Id == leader,
                m.Status!.DbSize, m.Status.DbSizeInUse, Math.Round(m.Status.FragmentationRatio, 4)))
            .ToList();
        // A fragmentation alert about a learner would otherwise end NothingToDo for ever without a word.
        var learners = state.Members.Where(m => m.Member.IsLearner && m.Status is { } s && Fragmented(s, policy)).Select(m => m.Member.Name).ToList();
        var aboutLearners = learners.Count == 0 ? "" :
            $"; learner {string.Join(", ", learners)} is fragmented, but etcd refuses Defragment on a learner: " +
            $"promote it (etcdctl member promote) and run again, or remove and re-add it";
        return ordered.Count == 0
            ? new RemediationPlan(PlanVerdict.NothingToDo, [],
                $"no member is at least {policy.MinFragmentationRatio:P0} fragmented (Policy:MinFragmentationRatio) with at least " +
                $"{policy.MinReclaimableBytes} bytes to give back (Policy:MinReclaimableBytes); " +
                $"send \"ignoreThresholds\": true to defragment regardless{aboutLearners}")
            : new RemediationPlan(PlanVerdict.Proceed, ordered, null);
    }

    /// <summary>
    /// Which planned member goes next, given who leads now: leadership can move during a run (an
    /// election, an operator), and the leader must still come last. The first remaining member that
    /// does not lead, else the leader when it is all that is left.
    /// </summary>
    public static PlannedMember NextMember(IReadOnlyList<PlannedMember> remaining, string? leaderHexId) =>
        remaining.FirstOrDefault(m => !string.Equals(m.Id, leaderHexId, StringComparison.Ordinal)) ?? remaining[0];

    public static bool Fragmented(MemberStatus status, PolicyOptions policy) =>
        status.DbSize > 0
        && status.FragmentationRatio >= policy.MinFragmentationRatio
        && status.FreeBytes >= policy.MinReclaimableBytes
        && status.FreeBytes > 0;
}
