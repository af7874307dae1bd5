using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Rules;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>One definition of "the run compacts": the compact step and the words of a run that stops after its snapshot.</summary>
public sealed class CompactionRuleTests
{
    public static TheoryData<CompactMode, RemediationAction, bool, bool, Compaction> Table => new()
    {
        // policy, action, members planned, backend compacts -> compaction
        { CompactMode.Never, RemediationAction.Recover, true, true, Compaction.None },
        { CompactMode.OnNoSpace, RemediationAction.Recover, true, true, Compaction.Compact },
        { CompactMode.OnNoSpace, RemediationAction.Recover, true, false, Compaction.Unsupported },
        { CompactMode.OnNoSpace, RemediationAction.Recover, false, true, Compaction.None },
        { CompactMode.OnNoSpace, RemediationAction.Defrag, true, true, Compaction.None },
        { CompactMode.Always, RemediationAction.Defrag, true, true, Compaction.Compact },
        { CompactMode.Always, RemediationAction.Defrag, true, false, Compaction.Unsupported },
        { CompactMode.Always, RemediationAction.Defrag, false, true, Compaction.None },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void CompactsOnlyWhenThePolicyAsksAndMembersArePlanned(CompactMode mode, RemediationAction action, bool planned, bool backend,
        Compaction expected) =>
        Assert.Equal(expected, CompactionRule.Of(mode, action, planned, backend));

    /// <summary>Only the recovering actions compact under OnNoSpace; every action does under Always, when it has members to do.</summary>
    [Fact]
    public void EveryActionIsCovered()
    {
        foreach (var action in Enum.GetValues<RemediationAction>())
        {
            Assert.Equal(action.Of().Recovers ? Compaction.Compact : Compaction.None, CompactionRule.Of(CompactMode.OnNoSpace, action, true, true));
            Assert.Equal(Compaction.Compact, CompactionRule.Of(CompactMode.Always, action, true, true));
            Assert.Equal(Compaction.None, CompactionRule.Of(CompactMode.Never, action, true, true));
        }
    }
}
