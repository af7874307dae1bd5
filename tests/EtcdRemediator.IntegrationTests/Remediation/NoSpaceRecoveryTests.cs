using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;
using EtcdRemediator.Remediation;
using Grpc.Core;

namespace EtcdRemediator.IntegrationTests.Remediation;

public sealed class NoSpaceRecoveryTests
{
    private const long Quota = 16L * 1024 * 1024;

    [Fact]
    public async Task RecoverCompactsDefragmentsAndDisarmsSoWritesWorkAgain()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        await cluster.WriteAsync("keep/", 20);
        await cluster.FillUntilNoSpaceAsync("fill/");
        await Assert.ThrowsAsync<RpcException>(() => cluster.PutAsync("probe", "refused under NOSPACE"));
        await cluster.DeletePrefixAsync("fill/");
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster, quota: Quota));

        var run = await app.CreateClient().RunToEndAsync("lab", "recover");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(["inspect", "plan", "snapshot", "compact"], run.Steps.Select(s => s.Name).Take(4));
        Assert.Equal(3, run.Steps.Count(s => s.Name == "defragment"));
        var disarm = Assert.Single(run.Steps, s => s.Name == "disarm");
        Assert.Equal(StepOutcome.Succeeded, disarm.Outcome);
        DefragEvidence.AssertSequential(DefragEvidence.Windows(cluster));
        await cluster.PutAsync("probe", "accepted again");
        Assert.Equal("accepted again", await cluster.GetAsync("probe"));
        Assert.Equal(EtcdTestCluster.ValueSize, (await cluster.GetAsync("keep/0000019"))?.Length);
    }

    [Fact]
    public async Task WhenTheDataItselfExceedsTheQuotaTheAlarmStaysAndTheRunSaysWhy()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        await cluster.FillUntilNoSpaceAsync("fill/");
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster, quota: Quota));

        var run = await app.CreateClient().RunToEndAsync("lab", "recover");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("the data itself exceeds the quota", run.Reason);
        Assert.Equal(StepOutcome.Failed, run.Steps.Single(s => s.Name == "disarm").Outcome);
        await Assert.ThrowsAsync<RpcException>(() => cluster.PutAsync("probe", "still refused"));
    }
}
