using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>The pure rules behind the safety guarantee: identity, order, and when NOSPACE may go.</summary>
public sealed class SafetyRuleTests
{
    private const long Mb = 1 << 20;

    [Fact]
    public void TwoMembersReachedAtOneAddressAreRefusedNamingBothAndTheAddress()
    {
        var reason = SafetyGate.Check(Cluster().Member(1, 100, 10).Member(2, 100, 10).Member(3, 100, 10).At(3, "http://127.0.0.1:2379").Build());

        Assert.NotNull(reason);
        Assert.Contains("m1 (1) and m3 (3)", reason);
        Assert.Contains("http://127.0.0.1:2379", reason);
    }

    [Fact]
    public void AMemberWhoseAddressIsAnsweredByAnotherIsRefusedNamingBoth()
    {
        var reason = SafetyGate.Check(Cluster().Member(1, 100, 10).Member(2, 100, 10).Member(3, 100, 10).AnsweredBy(3, 1).Build());

        Assert.NotNull(reason);
        Assert.Contains("answered as member 1, not as m3 (3)", reason);
        Assert.Contains("(m1)", reason);
    }

    [Theory]
    [InlineData(new[] { "a", "b", "c" }, "c", "a")]
    [InlineData(new[] { "a", "b", "c" }, "a", "b")]   // leadership moved onto the next member: it waits
    [InlineData(new[] { "b", "c" }, "b", "c")]
    [InlineData(new[] { "c" }, "c", "c")]             // the leader, when it is all that is left
    [InlineData(new[] { "a", "b" }, null, "a")]       // no agreed leader: the gate stops the run anyway
    public void TheNextMemberIsNeverTheLeaderWhileOthersRemain(string[] remaining, string? leader, string next)
    {
        var members = remaining.Select(id => new PlannedMember(id, $"m-{id}", "", false, 0, 0, 0)).ToList();

        Assert.Equal(next, Planner.NextMember(members, leader).Id);
    }

    public static TheoryData<string, ClusterStates, long, bool> DisarmCases => new()
    {
        { "all below 90 % of the quota", Cluster().Member(1, 10, 5).Member(2, 12, 5).Member(3, 11, 5), 16 * Mb, true },
        { "one file at the quota", Cluster().Member(1, 10, 5).Member(2, 16, 5).Member(3, 11, 5), 16 * Mb, false },
        { "a voting member down", Cluster().Member(1, 10, 5).Down(2).Member(3, 11, 5), 16 * Mb, false },
        { "an unstarted learner does not count", Cluster().Member(1, 10, 5).Member(2, 10, 5).Member(3, 10, 5).Down(4, learner: true), 16 * Mb, true },
        { "a big learner does not count", Cluster().Member(1, 10, 5).Member(2, 10, 5).Member(3, 10, 5).Member(4, 16, 16, learner: true), 16 * Mb, true },
    };

    [Theory]
    [MemberData(nameof(DisarmCases))]
    public void NoSpaceIsDisarmedOnlyWhenEveryVotingMemberIsBelowTheLimit(string why, ClusterStates state, long quota, bool disarm)
    {
        var decision = DisarmRule.Decide(state.Build(), new Quota(quota, true), 0.9);

        Assert.True(disarm == decision.Disarm, $"{why}: {string.Join(", ", decision.Blockers)}");
    }

    [Fact]
    public void ABlockerIsNamedWithItsSize()
    {
        var decision = DisarmRule.Decide(Cluster().Member(1, 10, 5).Member(2, 16, 5).Build(), new Quota(16 * Mb, true), 0.9);

        Assert.Equal(["m2 (2) dbSize 16.0 MiB (16,777,216 bytes)"], decision.Blockers);
    }

    [Fact]
    public void DataInUseOverTheLimitIsJudgedOnInUseNotOnTheFile()
    {
        var state = Cluster().Member(1, 16, 15).Member(2, 16, 15).Build();

        Assert.False(DisarmRule.DecideOnDataInUse(state, new Quota(16 * Mb, true), 0.9).Disarm);
        Assert.True(DisarmRule.DecideOnDataInUse(Cluster().Member(1, 16, 4).Member(2, 16, 4).Build(), new Quota(16 * Mb, true), 0.9).Disarm);
    }

    [Fact]
    public void AStaleInUseReadingAfterDeletesUnderNoSpaceDoesNotBlockRecovery()
    {
        // etcd 3.5 after `etcdctl del` under NOSPACE: one member has committed since and reads right.
        var state = Cluster().Member(1, 16, 15).Member(2, 16, 15).Member(3, 16, 1).Build();

        var decision = DisarmRule.DecideOnDataInUse(state, new Quota(16 * Mb, true), 0.9);

        Assert.True(decision.Disarm, string.Join("; ", decision.Blockers));
    }

    [Fact]
    public void TheSmallestReportedQuotaWinsAndTheConfiguredOneOnlyWhenNoneIsReported()
    {
        Assert.Equal(new Quota(8 * Mb, true), DisarmRule.QuotaOf(new Dictionary<ulong, long> { [1] = 16 * Mb, [2] = 8 * Mb }, 2048 * Mb));
        Assert.Equal(new Quota(2048 * Mb, false), DisarmRule.QuotaOf(new Dictionary<ulong, long>(), 2048 * Mb));
    }

    [Theory]
    [InlineData("# TYPE etcd_server_quota_backend_bytes gauge\netcd_server_quota_backend_bytes 1.6777216e+07\n", 16777216L)]
    [InlineData("etcd_server_quota_backend_bytes_total 5\netcd_server_quota_backend_bytes 2.147483648e+09", 2147483648L)]
    [InlineData("etcd_server_has_leader 1\n", null)]
    public void EtcdsQuotaIsReadFromItsMetrics(string text, long? quota) =>
        Assert.Equal(quota, EtcdMetrics.QuotaBackendBytes(text));
}
