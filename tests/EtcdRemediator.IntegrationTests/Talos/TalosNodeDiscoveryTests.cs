namespace EtcdRemediator.IntegrationTests.Talos;

/// <summary>
/// Each member's node is found by asking the nodes (EtcdStatus answers with the node's own member
/// id), not by comparing names: talosconfigs name nodes by host name or IPv6 address, while etcd on
/// Talos advertises whichever address the node routes first.
/// </summary>
[StartsFirst]
public sealed class TalosNodeDiscoveryTests
{
    [Fact]
    public async Task NodesNamedByHostNameInTheTalosconfigAreFoundByAskingAndEachMemberIsDefragmentedOnItsOwnNode()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        // Listed in another order than the members, so that no position can stand in for asking.
        string[] names = ["cp-3.lab.internal", "localhost", "cp-1"];

        await AssertEachMemberDefragmentedOnItsOwnNodeAsync(cluster, names, configured: ["cp-1", "localhost", "cp-3.lab.internal"]);
    }

    [Fact]
    public async Task NodesNamedByHostNameWhileEtcdAdvertisesOtherAddressesAreFoundByAsking()
    {
        // etcd advertises 127.0.0.2-4, as a Talos node its first routed address; the talosconfig names hosts.
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { LoopbackAddressPerMember = true });
        string[] names = ["talos-cp-a", "talos-cp-b", "talos-cp-c"];

        await AssertEachMemberDefragmentedOnItsOwnNodeAsync(cluster, names, configured: names);
    }

    [Fact]
    public async Task NodesNamedByIpv6AddressesBracketedOrNotAreFoundThroughAnApidOnIpv6()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { LoopbackAddressPerMember = true });
        string[] names = ["fd00::10", "fd00::11", "fd00::12"];

        await AssertEachMemberDefragmentedOnItsOwnNodeAsync(cluster, names, configured: ["[fd00::12]", "fd00::10", "[fd00::11]"], IPAddress.IPv6Loopback);
    }

    [Fact]
    public async Task WithNoNodeConfiguredMembersAdvertisingIpv6UrlsAreFoundAtTheirUnbracketedAddresses()
    {
        // Uri.Host keeps IPv6 brackets ("[fd00::20]"); apid takes the bare address and adds its own.
        string[] names = ["fd00::20", "fd00::21", "fd00::22"];
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions
        {
            AdvertiseClientUrl = (i, members) => $"http://[{names[i]}]:{new Uri(members[i].ClientUrl).Port}",
        });

        await AssertEachMemberDefragmentedOnItsOwnNodeAsync(cluster, names, configured: null);
    }

    [Fact]
    public async Task AMemberNoNodeClaimsIsNamedWithTheNodesThatWereAskedAndNothingIsDefragmented()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { LoopbackAddressPerMember = true });
        // The talosconfig names two of the three control-plane nodes and a worker.
        string[] names = ["cp-a", "cp-b", "cp-c"];

        var (run, apid) = await DefragmentAsync(cluster, names, configured: ["cp-a", "cp-b", "worker-1"], workers: ["worker-1"]);

        await using (apid)
        {
            Assert.NotEqual(RunStatus.Succeeded, run.Status);
            Assert.Contains("no Talos node claims member m2", run.Reason);
            Assert.Contains("worker-1", run.Reason);
            Assert.Contains("cp-a: member m0", run.Reason);
            Assert.Empty(DefragEvidence.Windows(cluster));
        }
    }

    private static async Task<(RunRecord Run, ApidStandIn Apid)> DefragmentAsync(EtcdTestCluster cluster, IReadOnlyList<string> names,
        IReadOnlyList<string>? configured, IPAddress? address = null, IReadOnlyList<string>? workers = null)
    {
        await cluster.FragmentAsync(megabytes: 8);
        using var pki = new TestPki("talos-test-ca");
        var apid = await ApidStandIn.StartAsync(cluster, pki, nodeNames: names, address: address);
        foreach (var worker in workers ?? []) apid.Nodes.Workers.Add(worker);
        var talosconfig = apid.WriteTalosconfig(cluster.ScratchDirectory("talos"), pki, withNodes: configured is not null, nodes: configured);
        await using var app = new RemediatorApp(BackendHarness.TalosSettings(talosconfig));
        return (await app.CreateClient().RunToEndAsync("lab", "defrag"), apid);
    }

    /// <summary>
    /// A defrag through nodes named <paramref name="names"/> (the talosconfig naming <paramref name="configured"/>): it succeeded,
    /// one defragment at a time as etcd logged them, each sent to the member's own node.
    /// </summary>
    private static async Task AssertEachMemberDefragmentedOnItsOwnNodeAsync(EtcdTestCluster cluster, IReadOnlyList<string> names,
        IReadOnlyList<string>? configured, IPAddress? address = null)
    {
        var (run, apid) = await DefragmentAsync(cluster, names, configured, address);
        await using var _ = apid;

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        var windows = DefragEvidence.Windows(cluster);
        Assert.Equal(3, windows.Count);
        DefragEvidence.AssertSequential(windows);
        // The members etcd says it defragmented, in the order the run meant to: no node stood in for another.
        Assert.Equal(run.Plan.Select(p => p.Name), windows.Select(w => w.Member));
        var defragmented = apid.Nodes.Calls.Where(c => c.Method.EndsWith("/EtcdDefragment", StringComparison.Ordinal)).Select(c => c.Node).Order();
        Assert.Equal(names.Order(), defragmented);
    }
}
