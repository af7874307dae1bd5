using EtcdRemediator.Api;
using EtcdRemediator.Observability;
using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.Api;

public sealed class StatusTableTests
{
    [Fact]
    public void UnreadableAlarmsAreSaidOnceInTheHeader()
    {
        var table = StatusTable.Render(ClusterStatusView.From(Cluster().Member(1, 100, 50).AlarmsUnreadable().Build()));

        var header = table.Split('\n')[0];
        Assert.Contains("alarms unreadable (timed out)", header);
        Assert.DoesNotContain("alarms alarms", header);
    }

    [Fact]
    public void AMemberNamedWithTerminalEscapesIsShownEscapedAndTheColumnsStayAligned()
    {
        var row = new MemberStatusRow("8e9e05c52164694d", "m1\u001b]0;pwned\u0007\u001b[2J", "http://127.0.0.1:2379\u009b31m", "3.5.30\u007f",
            1 << 20, 1 << 19, 50, true, false, 2, 100, 100, [], ["etcd said \u001b[5m"], null);
        var view = new ClusterStatusView("lab\u0007", "8e9e05c52164694d", [], null, DateTimeOffset.UnixEpoch, [row]);

        var table = StatusTable.Render(view);

        Assert.DoesNotContain(table, c => char.IsControl(c) && c != '\n');
        Assert.Contains(@"m1\u001b]0;pwned\u0007\u001b[2J", table);
        Assert.Contains(@"http://127.0.0.1:2379\u009b31m", table);
        Assert.Contains(@"etcd said \u001b[5m", table);
        Assert.StartsWith(@"cluster lab\u0007", table);
        var lines = table.Split('\n');
        Assert.Equal(lines[1].IndexOf("ENDPOINT", StringComparison.Ordinal), lines[2].IndexOf("http://", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(38_625_280L, "36.8 MiB")]
    [InlineData(512L, "512 B")]
    [InlineData(2_048L, "2.0 KiB")]
    [InlineData(2_147_483_648L, "2.0 GiB")]
    public void SizesAreWrittenInTheUnitThePageUsesWhichIsPowersOf1024(long bytes, string written)
    {
        var row = new MemberStatusRow("8e9e05c52164694d", "m1", "http://127.0.0.1:2379", "3.5.30", bytes, bytes / 2, 50, true, false,
            2, 100, 100, [], [], null);

        var table = StatusTable.Render(new ClusterStatusView("lab", "8e9e05c52164694d", [], null, DateTimeOffset.UnixEpoch, [row]));

        Assert.Contains($" {written} ", table);
        Assert.DoesNotContain(" MB", table);
        Assert.DoesNotContain(" kB", table);
    }

    [Fact]
    public void TheExactFormGivesTheUnitAndEveryByte() =>
        Assert.Equal("36.8 MiB (38,625,280 bytes)", ByteSize.Exact(38_625_280));

    [Fact]
    public void AnAlarmIsSaidOnTheMemberThatHoldsItInHexNotOnEveryRowInDecimal()
    {
        const ulong holder = 0x8e9e05c52164694d;
        var state = Cluster().Member(1, 100, 50).Member(2, 100, 50).Member(3, 100, 50).Build();
        // etcd 3.5 repeats the alarm, its member id in decimal, in every member's status.
        state = state with
        {
            Members = [.. state.Members.Select(m => m with { Status = m.Status! with { Errors = [$"memberID:{holder} alarm:NOSPACE"] } })],
            Alarms = [new EtcdAlarm(2, AlarmKind.NoSpace)],
        };

        var view = ClusterStatusView.From(state);
        var table = StatusTable.Render(view);

        Assert.Equal(["NOSPACE"], view.Members.Single(m => m.Name == "m2").Alarms);
        Assert.All(view.Members, m => Assert.Empty(m.Errors));
        Assert.DoesNotContain(holder.ToString(System.Globalization.CultureInfo.InvariantCulture), table);
        Assert.Contains("alarms NOSPACE on 2", table.Split('\n')[0]);
        Assert.Single(table.Split('\n').Skip(2), line => line.Contains("NOSPACE", StringComparison.Ordinal));
    }

    [Fact]
    public void WhenTheAlarmListCannotBeReadEtcdsOwnWordsForTheAlarmStayOnTheRowsInHex()
    {
        var state = Cluster().Member(1, 100, 50).AlarmsUnreadable().Build();
        state = state with
        {
            Members = [.. state.Members.Select(m => m with { Status = m.Status! with { Errors = ["memberID:10276657743932975437 alarm:NOSPACE"] } })],
        };

        Assert.Equal(["NOSPACE on 8e9e05c52164694d"], ClusterStatusView.From(state).Members.Single().Errors);
    }
}
