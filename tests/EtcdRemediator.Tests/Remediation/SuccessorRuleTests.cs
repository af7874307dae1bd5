using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>
/// Talos' EtcdForfeitLeadership hands leadership to the first other member of the member list, learners
/// and members that do not answer included: the leader is then defragmented in place instead.
/// </summary>
public sealed class SuccessorRuleTests
{
    private static MemberState Member(ulong id, bool learner = false, bool answers = true) =>
        new(new EtcdMember(id, $"m{id}", MemberAddress.TalosNode($"127.0.0.{id}"), learner),
            answers ? new MemberStatus(id, "3.5.30", 100, 50, 1, 2, 10, 10, learner, [], 0) : null,
            answers ? null : "did not answer within 3 s");

    private static ClusterState State(params MemberState[] members) => new("lab", members, [], null, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void AVotingMemberThatAnswersMayLead() =>
        Assert.Null(SuccessorRule.Unfit(Member(2).Member, State(Member(1), Member(2), Member(3))));

    [Fact]
    public void ALearnerMayNot() =>
        Assert.Contains("a learner", SuccessorRule.Unfit(Member(2, learner: true).Member, State(Member(1), Member(2, learner: true), Member(3))));

    [Fact]
    public void AMemberThatDoesNotAnswerMayNot() =>
        Assert.Contains("does not answer", SuccessorRule.Unfit(Member(2).Member, State(Member(1), Member(2, answers: false), Member(3))));

    [Fact]
    public void NobodyIsUnfit() => Assert.Equal("nobody", SuccessorRule.Unfit(null, State(Member(1))));
}
