using EtcdRemediator.Snapshots;
using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.Snapshots;

public sealed class SnapshotRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<string> Delete(string newestFirst, int retain) =>
        SnapshotRetention.ToDelete([.. newestFirst.Select((c, i) => new KeptSnapshot($"s{i}:{c}", c == 'g', Now.AddHours(-i)))], retain);

    [Fact]
    public void TheSnapshotARunJustTookIsKeptWhateverTimeTheOthersRecord()
    {
        // Five taken while the clock was a year ahead, then the run's own.
        var ahead = Enumerable.Range(0, 5).Select(i => new KeptSnapshot($"ahead{i}", true, Now.AddYears(1).AddMinutes(i)));
        var own = new KeptSnapshot("own", true, Now);

        var deleted = SnapshotRetention.ToDelete([.. ahead, own], retain: 5, protect: "own", now: Now);

        Assert.DoesNotContain("own", deleted);
        Assert.Equal(["ahead0"], deleted);
    }

    [Fact]
    public void SnapshotsFromTheFutureNeverPushTheRealOnesOut()
    {
        // Run after run with five 2027 snapshots present: the real ones are the newest, and kept.
        var ahead = Enumerable.Range(0, 5).Select(i => new KeptSnapshot($"ahead{i}", true, Now.AddYears(1)));
        var real = Enumerable.Range(0, 3).Select(i => new KeptSnapshot($"real{i}", true, Now.AddDays(-i)));

        var deleted = SnapshotRetention.ToDelete([.. ahead, .. real], retain: 5, protect: "real0", now: Now);

        Assert.DoesNotContain(deleted, d => d.StartsWith("real", StringComparison.Ordinal));
    }

    [Fact]
    public void SnapshotsAreOrderedByTheTimeTheirSidecarsRecordNotByName()
    {
        var deleted = SnapshotRetention.ToDelete(
            [new KeptSnapshot("z-named-last-but-oldest", true, Now.AddDays(-3)), new KeptSnapshot("a", true, Now), new KeptSnapshot("b", true, Now.AddDays(-1))],
            retain: 2);

        Assert.Equal(["z-named-last-but-oldest"], deleted);
    }

    [Theory]
    [InlineData("ggggg", 2, "s2:g s3:g s4:g")]            // plain retention
    [InlineData("cccgg", 2, "s2:c")]                      // corrupt-era snapshots never push the last good ones out
    [InlineData("ccccccgg", 3, "s3:c s4:c s5:c")]
    [InlineData("gcgcg", 2, "s3:c s4:g")]
    [InlineData("gg", 5, "")]
    public void TheNewestAndTheNewestGoodOnesAreKept(string newestFirst, int retain, string deleted) =>
        Assert.Equal(deleted, string.Join(' ', Delete(newestFirst, retain)));

    [Fact]
    public void ASnapshotIsNeverTakenFromAMemberWithACorruptAlarm()
    {
        var state = Cluster().Leader(3).Member(1, 100, 10).Member(2, 100, 10).Member(3, 100, 10).Alarm(1, AlarmKind.Corrupt).Build();

        Assert.Equal(2UL, SnapshotSource.Choose(state)!.Member.Id);
    }

    [Fact]
    public void NoSpaceDoesNotDisqualifyAMemberButOnlyAlarmedMembersLeaveNoSource()
    {
        var noSpace = Cluster().Leader(3).Member(1, 100, 10).Member(2, 100, 10).Member(3, 100, 10)
            .Alarm(1, AlarmKind.NoSpace).Alarm(2, AlarmKind.NoSpace).Alarm(3, AlarmKind.NoSpace).Build();
        var corrupt = Cluster().Member(1, 100, 10).Alarm(1, AlarmKind.Corrupt).Build();

        Assert.NotNull(SnapshotSource.Choose(noSpace));
        Assert.Null(SnapshotSource.Choose(corrupt));
        Assert.Contains("CORRUPT on 1", SnapshotSource.WhyNone(corrupt));
    }
}
