using EtcdRemediator.Configuration;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>Which steps of the routine a run takes once it has its plan.</summary>
/// <param name="Snapshot">A verified snapshot first (no snapshot, no defrag).</param>
/// <param name="Compaction">Compact before defragmenting (<see cref="CompactionRule"/>).</param>
/// <param name="ReadsQuota">It judges NOSPACE against the quota: the data in use before defragmenting, every member before disarming.</param>
/// <param name="Verifies">It goes on past the snapshot: members, verify, disarm (a snapshot run ends with its snapshot).</param>
internal sealed record Routine(bool Snapshot, Compaction Compaction, bool ReadsQuota, bool Verifies);

/// <summary>Pure: the routine of a run, from its action's traits, how many members it plans, the alarms and the policy.</summary>
internal static class RoutineRule
{
    public static Routine Of(RemediationAction action, int planned, bool noSpace, CompactMode compact, bool backendCompacts)
    {
        var traits = action.Of();
        return new Routine(
            Snapshot: traits.Snapshot == SnapshotWhen.Always || (traits.Snapshot == SnapshotWhen.BeforeRewriting && planned > 0),
            Compaction: CompactionRule.Of(compact, noSpace, planned > 0, backendCompacts),
            ReadsQuota: noSpace || traits.Recovers,
            Verifies: traits.Verifies);
    }
}
