using EtcdRemediator.Tests.Remediation;
using EtcdRemediator.Watch;

namespace EtcdRemediator.Tests.Scheduling;

public sealed class WatchRuleTests
{
    private static readonly EtcdRemediator.DefragRules.DefragRule Policy =
        EtcdRemediator.DefragRules.DefragRule.Default(new PolicyOptions { MinFragmentationRatio = 0.5, MinReclaimableBytes = 10 << 20 });

    [Fact]
    public void AHealthyClusterCallsForNothing()
    {
        var state = ClusterStates.Cluster().Member(1, 100, 90).Member(2, 100, 80).Member(3, 100, 95).Build();

        Assert.Null(WatchRule.Decide(state, Policy));
    }

    [Fact]
    public void AFragmentedMemberCallsForADefragNamingTheWorst()
    {
        var state = ClusterStates.Cluster().Member(1, 100, 90).Member(2, 100, 30).Member(3, 100, 40).Build();

        var finding = WatchRule.Decide(state, Policy);

        Assert.Equal(RemediationAction.Defrag, finding!.Action);
        Assert.StartsWith("member m2 (2) is 70", finding.Why, StringComparison.Ordinal);
        Assert.EndsWith("and 1 more", finding.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void ANoSpaceAlarmCallsForARecoverEvenWhenNothingIsFragmented()
    {
        var state = ClusterStates.Cluster().Member(1, 100, 99).Member(2, 100, 99).Alarm(2, AlarmKind.NoSpace).Build();

        Assert.Equal(RemediationAction.Recover, WatchRule.Decide(state, Policy)!.Action);
    }

    [Fact]
    public void BelowTheReclaimableFloorOrOnALearnerOrAnUnreachableMemberNothingIsCalledFor()
    {
        var small = ClusterStates.Cluster().Member(1, 10, 2).Member(2, 10, 9).Build();
        var learner = ClusterStates.Cluster().Member(1, 100, 90).Member(4, 100, 10, learner: true).Build();
        var down = ClusterStates.Cluster().Member(1, 100, 90).Down(2).Build();

        Assert.Null(WatchRule.Decide(small, Policy));
        Assert.Null(WatchRule.Decide(learner, Policy));
        Assert.Null(WatchRule.Decide(down, Policy));
    }
}
