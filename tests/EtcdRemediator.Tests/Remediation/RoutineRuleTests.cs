using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Rules;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>Which steps a run takes after its plan: what RunExecutor used to work out from four flags of its own.</summary>
public sealed class RoutineRuleTests
{
    public static TheoryData<RemediationAction, int, bool, Routine> Table => new()
    {
        // action, members planned, NOSPACE raised -> routine (policy Compact=OnNoSpace, a backend that compacts)
        { RemediationAction.Defrag, 2, false, new Routine(Snapshot: true, Compaction.None, ReadsQuota: false, Verifies: true) },
        { RemediationAction.Defrag, 0, false, new Routine(Snapshot: false, Compaction.None, ReadsQuota: false, Verifies: true) },
        { RemediationAction.Defrag, 2, true, new Routine(Snapshot: true, Compaction.None, ReadsQuota: true, Verifies: true) },
        { RemediationAction.Recover, 3, true, new Routine(Snapshot: true, Compaction.Compact, ReadsQuota: true, Verifies: true) },
        { RemediationAction.Recover, 0, true, new Routine(Snapshot: false, Compaction.None, ReadsQuota: true, Verifies: true) },
        { RemediationAction.Snapshot, 0, false, new Routine(Snapshot: true, Compaction.None, ReadsQuota: false, Verifies: false) },
        { RemediationAction.Disarm, 0, true, new Routine(Snapshot: false, Compaction.None, ReadsQuota: true, Verifies: true) },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void TheRoutineFollowsTheActionThePlanAndTheAlarms(RemediationAction action, int planned, bool noSpace, Routine expected) =>
        Assert.Equal(expected, RoutineRule.Of(action, planned, noSpace, CompactMode.OnNoSpace, backendCompacts: true));

    [Fact]
    public void EveryActionHasARoutineThatCompactsAsCompactionRuleSays()
    {
        foreach (var action in Enum.GetValues<RemediationAction>())
            foreach (var mode in Enum.GetValues<CompactMode>())
                Assert.Equal(CompactionRule.Of(mode, action, true, false), RoutineRule.Of(action, 1, false, mode, false).Compaction);
    }
}
