namespace EtcdRemediator.Tests.Remediation;

/// <summary>Which steps a run takes after its plan: what RunExecutor used to work out from four flags of its own.</summary>
public sealed class RoutineRuleTests
{
    // The action by name, the routine wrapped: the service's types are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string, int, bool, Arg> Table => new()
    {
        // action, members planned, NOSPACE raised -> routine (policy Compact=OnNoSpace, a backend that compacts)
        { nameof(RemediationAction.Defrag), 2, false, Arg.Of(new Routine(Snapshot: true, Compaction.None, ReadsQuota: false, Verifies: true)) },
        { nameof(RemediationAction.Defrag), 0, false, Arg.Of(new Routine(Snapshot: false, Compaction.None, ReadsQuota: false, Verifies: true)) },
        { nameof(RemediationAction.Defrag), 2, true, Arg.Of(new Routine(Snapshot: true, Compaction.Compact, ReadsQuota: true, Verifies: true)) },
        { nameof(RemediationAction.Recover), 3, false, Arg.Of(new Routine(Snapshot: true, Compaction.None, ReadsQuota: true, Verifies: true)) },
        { nameof(RemediationAction.Recover), 3, true, Arg.Of(new Routine(Snapshot: true, Compaction.Compact, ReadsQuota: true, Verifies: true)) },
        { nameof(RemediationAction.Recover), 0, true, Arg.Of(new Routine(Snapshot: false, Compaction.None, ReadsQuota: true, Verifies: true)) },
        { nameof(RemediationAction.Snapshot), 0, false, Arg.Of(new Routine(Snapshot: true, Compaction.None, ReadsQuota: false, Verifies: false)) },
        { nameof(RemediationAction.Disarm), 0, true, Arg.Of(new Routine(Snapshot: false, Compaction.None, ReadsQuota: true, Verifies: true)) },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void TheRoutineFollowsTheActionThePlanAndTheAlarms(string actionName, int planned, bool noSpace, Arg expectedArg)
    {
        var (action, expected) = (Enum.Parse<RemediationAction>(actionName), expectedArg.As<Routine>());
        Assert.Equal(expected, RoutineRule.Of(action, planned, noSpace, CompactMode.OnNoSpace, backendCompacts: true));
    }

    [Fact]
    public void EveryActionHasARoutineThatCompactsAsCompactionRuleSays()
    {
        foreach (var action in Enum.GetValues<RemediationAction>())
            foreach (var mode in Enum.GetValues<CompactMode>())
                Assert.Equal(CompactionRule.Of(mode, false, true, false), RoutineRule.Of(action, 1, false, mode, false).Compaction);
    }
}
