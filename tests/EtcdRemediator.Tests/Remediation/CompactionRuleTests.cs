using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Rules;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>One definition of "the run compacts": the compact step and the words of a run that stops after its snapshot.</summary>
public sealed class CompactionRuleTests
{
    // The enums by name: they are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string, string, bool, bool, string> Table => new()
    {
        // policy, action, members planned, backend compacts -> compaction
        { nameof(CompactMode.Never), nameof(RemediationAction.Recover), true, true, nameof(Compaction.None) },
        { nameof(CompactMode.OnNoSpace), nameof(RemediationAction.Recover), true, true, nameof(Compaction.Compact) },
        { nameof(CompactMode.OnNoSpace), nameof(RemediationAction.Recover), true, false, nameof(Compaction.Unsupported) },
        { nameof(CompactMode.OnNoSpace), nameof(RemediationAction.Recover), false, true, nameof(Compaction.None) },
        { nameof(CompactMode.OnNoSpace), nameof(RemediationAction.Defrag), true, true, nameof(Compaction.None) },
        { nameof(CompactMode.Always), nameof(RemediationAction.Defrag), true, true, nameof(Compaction.Compact) },
        { nameof(CompactMode.Always), nameof(RemediationAction.Defrag), true, false, nameof(Compaction.Unsupported) },
        { nameof(CompactMode.Always), nameof(RemediationAction.Defrag), false, true, nameof(Compaction.None) },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void CompactsOnlyWhenThePolicyAsksAndMembersArePlanned(string modeName, string actionName, bool planned, bool backend,
        string expectedName)
    {
        var (mode, action, expected) =
            (Enum.Parse<CompactMode>(modeName), Enum.Parse<RemediationAction>(actionName), Enum.Parse<Compaction>(expectedName));
        Assert.Equal(expected, CompactionRule.Of(mode, action, planned, backend));
    }

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
