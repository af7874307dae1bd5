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
}
