using EtcdRemediator.Api;
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
}
