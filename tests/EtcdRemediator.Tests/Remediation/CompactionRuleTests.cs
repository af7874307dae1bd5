namespace EtcdRemediator.Tests.Remediation;

/// <summary>One definition of "the run compacts": the compact step and the words of a run that stops after its snapshot.</summary>
public sealed class CompactionRuleTests
{
    // The enums by name: they are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string, bool, bool, bool, string> Table => new()
    {
        // policy, NOSPACE active when the run plans, members planned, backend compacts -> compaction
        { nameof(CompactMode.Never), true, true, true, nameof(Compaction.None) },
        { nameof(CompactMode.OnNoSpace), true, true, true, nameof(Compaction.Compact) },
        { nameof(CompactMode.OnNoSpace), true, true, false, nameof(Compaction.Unsupported) },
        { nameof(CompactMode.OnNoSpace), true, false, true, nameof(Compaction.None) },
        // #34 item 4: a recover (a quota-low alert's route) without the alarm compacted and cut kube-apiserver's watches.
        { nameof(CompactMode.OnNoSpace), false, true, true, nameof(Compaction.None) },
        { nameof(CompactMode.Always), false, true, true, nameof(Compaction.Compact) },
        { nameof(CompactMode.Always), false, true, false, nameof(Compaction.Unsupported) },
        { nameof(CompactMode.Always), false, false, true, nameof(Compaction.None) },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void CompactsOnlyWhenThePolicyAsksAndMembersArePlanned(string modeName, bool noSpace, bool planned, bool backend,
        string expectedName)
    {
        var (mode, expected) = (Enum.Parse<CompactMode>(modeName), Enum.Parse<Compaction>(expectedName));
        Assert.Equal(expected, CompactionRule.Of(mode, noSpace, planned, backend));
    }

    /// <summary>Under OnNoSpace every action that rewrites compacts while NOSPACE is active and none without it.</summary>
    [Fact]
    public void EveryRewritingActionCompactsUnderNoSpaceAndNoneWithout()
    {
        foreach (var action in Enum.GetValues<RemediationAction>().Where(a => a.Of().Rewrites))
        {
            Assert.Equal(Compaction.Compact, RoutineRule.Of(action, 1, noSpace: true, CompactMode.OnNoSpace, true).Compaction);
            Assert.Equal(Compaction.None, RoutineRule.Of(action, 1, noSpace: false, CompactMode.OnNoSpace, true).Compaction);
        }
    }
}
