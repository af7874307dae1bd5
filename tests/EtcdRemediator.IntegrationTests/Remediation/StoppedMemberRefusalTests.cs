using EtcdRemediator.IntegrationTests.Talos;

namespace EtcdRemediator.IntegrationTests.Remediation;

/// <summary>
/// A member down refuses the run before anything is touched. A class of its own so that it runs beside DefragRunTests:
/// through Talos the stopped member's node does not answer, and the inspection's three tries of 10 s take ~45 s.
/// </summary>
[Trait(EtcdVersions.Trait, EtcdVersions.DiffersByVersion)]
[StartsFirst]
public sealed class StoppedMemberRefusalTests
{
    [Theory]
    [EachBackend]
    public async Task AClusterWithAStoppedMemberIsRefusedNamingItAndNothingIsDefragmented(Backend backend)
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await using var harness = await BackendHarness.StartAsync(backend, cluster);
        await cluster.FragmentAsync(megabytes: 12);
        var stopped = (await cluster.LeaderIndexAsync() + 1) % 3;
        await cluster.StopMemberAsync(stopped);
        await using var app = new RemediatorApp(harness.Settings());

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag", force: true);

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains(cluster.Members[stopped].Name, run.Reason);
        Assert.Contains("unreachable", run.Reason);
        Assert.Empty(run.Plan);
        Assert.Null(run.Snapshot);
        Assert.Empty(DefragEvidence.Windows(cluster));
    }
}
