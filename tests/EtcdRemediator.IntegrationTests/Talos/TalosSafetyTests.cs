using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;
using EtcdRemediator.Remediation;
using AlarmType = EtcdRemediator.Etcd.Wire.AlarmType;

namespace EtcdRemediator.IntegrationTests.Talos;

/// <summary>What the Talos API does differently, and how the service stays safe with it.</summary>
public sealed class TalosSafetyTests
{
    [Fact]
    public async Task WithACorruptAlarmPresentTalosDisarmIsNeverCalledBecauseItWouldClearThatToo()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await using var harness = await BackendHarness.StartAsync(Backend.Talos, cluster);
        await cluster.ActivateAlarmAsync(0, AlarmType.Nospace);
        await cluster.ActivateAlarmAsync(1, AlarmType.Corrupt);
        await using var app = new RemediatorApp(harness.Settings());

        var run = await app.CreateClient().RunToEndAsync("lab", "disarm");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("not disarming through Talos", run.Reason);
        Assert.Contains("CORRUPT", run.Reason);
        Assert.DoesNotContain(harness.Apid!.Nodes.Calls, c => c.Method.EndsWith("/EtcdAlarmDisarm", StringComparison.Ordinal));
        var (_, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "alarm", "list");
        Assert.Contains("NOSPACE", alarms);
        Assert.Contains("CORRUPT", alarms);
    }

    [Fact]
    public async Task WithNoSpaceAloneTalosDisarmIsCalledOnceForTheWholeCluster()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await using var harness = await BackendHarness.StartAsync(Backend.Talos, cluster);
        await cluster.ActivateAlarmAsync(0, AlarmType.Nospace);
        await cluster.ActivateAlarmAsync(2, AlarmType.Nospace);
        await using var app = new RemediatorApp(harness.Settings());

        var run = await app.CreateClient().RunToEndAsync("lab", "disarm");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Single(harness.Apid!.Nodes.Calls, c => c.Method.EndsWith("/EtcdAlarmDisarm", StringComparison.Ordinal));
        var (_, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "alarm", "list");
        Assert.DoesNotContain("NOSPACE", alarms);
    }
}
