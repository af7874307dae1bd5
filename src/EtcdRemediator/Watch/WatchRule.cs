using EtcdRemediator.DefragRules;
using EtcdRemediator.Etcd;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Policy;

namespace EtcdRemediator.Watch;

/// <summary>What the watch asks for, and why in words a run record can keep.</summary>
internal sealed record WatchFinding(RemediationAction Action, string Why);

/// <summary>
/// Pure: what a watch reading calls for, as the shipped alerts would. A NOSPACE alarm -> recover (the
/// cluster refuses writes); a reachable voting member the cluster's defrag rule chooses -> defrag (the planner asks the
/// same rule, so a run the watch starts plans that member); else nothing.
/// </summary>
internal static class WatchRule
{
    public static WatchFinding? Decide(ClusterState state, DefragRule rule, Quota? quota = null)
    {
        if (state.Alarms.FirstOrDefault(a => a.Kind == AlarmKind.NoSpace) is { } alarm)
            return new WatchFinding(RemediationAction.Recover, $"NOSPACE alarm on member {MemberId.ToHex(alarm.MemberId)}");
        var fragmented = state.Voting
            .Where(m => m.Reachable && Planner.Judge(rule, m.Status!, quota).Chosen)
            .OrderByDescending(m => m.Status!.FragmentationRatio)
            .ToList();
        if (fragmented.Count == 0) return null;
        var worst = fragmented[0];
        var more = fragmented.Count > 1 ? $" and {fragmented.Count - 1} more" : "";
        return new WatchFinding(RemediationAction.Defrag,
            $"member {worst.Member.Name} ({worst.Member.HexId}) is {worst.Status!.FragmentationRatio:P0} fragmented " +
            $"({ByteSize.Short(worst.Status.FreeBytes)} of {ByteSize.Exact(worst.Status.DbSize)} free)" +
            $"{more}{(rule.IsDefault ? "" : $" by {rule.Source}")}");
    }
}
