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

    private static MemberState At(ulong id, ulong applied, long size, bool learner = false) =>
        new(new EtcdMember(id, $"m{id}", MemberAddress.TalosNode($"127.0.0.{id}"), learner),
            new MemberStatus(id, "3.5.30", size, size / 2, 1, 2, applied, applied, learner, [], 0), null);

    // The members wrapped: the service's types are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<Arg, ulong?> Preferences => new()
    {
        // the leader is m1; who is preferred
        { Arg.Of<MemberState[]>([At(1, 10, 100), At(2, 9, 100), At(3, 10, 100)]), 3ul },              // furthest ahead
        { Arg.Of<MemberState[]>([At(1, 10, 100), At(2, 10, 300), At(3, 10, 200)]), 3ul },             // a tie: the smaller file
        { Arg.Of<MemberState[]>([At(1, 10, 100), At(2, 12, 100, learner: true), At(3, 8, 100)]), 3ul }, // learners never lead
        { Arg.Of<MemberState[]>([At(1, 10, 100), Member(2, answers: false), At(3, 8, 100)]), 3ul },     // nor members that do not answer
        { Arg.Of<MemberState[]>([At(1, 10, 100)]), null },                                             // nobody to hand over to
    };

    [Theory]
    [MemberData(nameof(Preferences))]
    public void TheLeaderHandsOverToTheVotingFollowerFurthestAhead(Arg membersArg, ulong? preferred)
    {
        var members = membersArg.As<MemberState[]>();
        Assert.Equal(preferred, SuccessorRule.Preferred(State(members), leaderId: 1)?.Member.Id);
    }

    [Fact]
    public void NobodyIsUnfit() => Assert.Equal("nobody", SuccessorRule.Unfit(null, State(Member(1))));
}
