using EtcdRemediator.Configuration;
using EtcdRemediator.DefragRules;
using EtcdRemediator.Etcd;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>
/// Pure: cluster state + action + policy -> ordered plan or refusal. Followers most fragmented
/// first, the leader last; learners are never planned.
/// </summary>
internal static class Planner
{
    /// <summary>
    /// <c>defrag</c> takes the members the cluster's defrag rule chooses (<paramref name="rule"/>; the policy's thresholds
    /// written as a rule when null); <c>recover</c> takes every voting member while a NOSPACE alarm is active (the cluster
    /// refuses writes), and the rule otherwise, so a forced recover of a healthy cluster does not rewrite every member for
    /// nothing; <paramref name="ignoreThresholds"/> takes every voting member, as asked. Each planned member says what
    /// chose it and with what values.
    /// </summary>
    /// <param name="quota">The cluster's quota, for a rule that names dbQuota or dbQuotaUsage (null: not read).</param>
    public static RemediationPlan Plan(ClusterState state, RemediationAction action, PolicyOptions policy, bool ignoreThresholds = false,
        DefragRule? rule = null, Quota? quota = null)
    {
        if (!action.Of().Rewrites)
            return new RemediationPlan(PlanVerdict.Proceed, [], null);
        if (SafetyGate.Check(state) is { } refusal)
            return RemediationPlan.Refuse(refusal);

        rule ??= DefragRule.Default(policy);
        var leader = state.AgreedLeader!.Value;
        var by = ignoreThresholds ? RuleChoice.IgnoreThresholds
            : action.Of().Recovers && state.HasAlarm(AlarmKind.NoSpace) ? RuleChoice.NoSpaceAlarm : RuleChoice.DefragRule;
        var judged = state.Voting.Select(m => (m, Outcome: Judge(rule, m.Status!, quota))).ToList();
        var ordered = judged.Where(j => by != RuleChoice.DefragRule || j.Outcome.Chosen)
            .OrderBy(j => j.m.Member.Id == leader)
            .ThenByDescending(j => j.m.Status!.FragmentationRatio)
            .ThenBy(j => j.m.Member.Name, StringComparer.Ordinal)
            .Select(j => new PlannedMember(j.m.Member.HexId, j.m.Member.Name, j.m.Member.Address.Value, j.m.Member.Id == leader,
                j.m.Status!.DbSize, j.m.Status.DbSizeInUse, Math.Round(j.m.Status.FragmentationRatio, 4),
                new RuleChoice(by, rule.Text, rule.Source, j.Outcome.Values)))
            .ToList();
        var errors = judged.Where(j => j.Outcome.Error is not null).Select(j => $"{j.m.Member.Name}: {j.Outcome.Error}").ToList();
        // A fragmentation alert about a learner would otherwise end NothingToDo for ever without a word.
        var learners = state.Members.Where(m => m.Member.IsLearner && m.Status is { } s && Judge(rule, s, quota).Chosen)
            .Select(m => m.Member.Name).ToList();
        var aboutLearners = learners.Count == 0 ? "" :
            $"; learner {string.Join(", ", learners)} is fragmented, but etcd refuses Defragment on a learner: " +
            $"promote it (etcdctl member promote) and run again, or remove and re-add it";
        var aboutErrors = errors.Count == 0 ? "" : $"; the rule could not judge {string.Join("; ", errors)}";
        var nobody = rule.IsDefault
            ? $"no member is at least {policy.MinFragmentationRatio:P0} fragmented (Policy:MinFragmentationRatio) with at least " +
              $"{ByteSize.Exact(policy.MinReclaimableBytes)} to give back (Policy:MinReclaimableBytes)"
            : $"no member matches the defrag rule {rule.Source} = '{rule.Text}'";
        return ordered.Count == 0
            ? new RemediationPlan(PlanVerdict.NothingToDo, [],
                $"{nobody}; send \"ignoreThresholds\": true to defragment regardless{aboutLearners}{aboutErrors}", errors)
            : new RemediationPlan(PlanVerdict.Proceed, ordered, null, errors);
    }

    /// <summary>What the rule says of one member, with the quota where the rule needs it.</summary>
    public static RuleOutcome Judge(DefragRule rule, MemberStatus status, Quota? quota) =>
        rule.Evaluate(status, quota?.Bytes, quota?.ReportedByEtcd ?? false);

    /// <summary>
    /// Which planned member goes next, given who leads now: leadership can move during a run (an
    /// election, an operator), and the leader must still come last. The first remaining member that
    /// does not lead, else the leader when it is all that is left.
    /// </summary>
    public static PlannedMember NextMember(IReadOnlyList<PlannedMember> remaining, string? leaderHexId) =>
        remaining.FirstOrDefault(m => !string.Equals(m.Id, leaderHexId, StringComparison.Ordinal)) ?? remaining[0];
}
