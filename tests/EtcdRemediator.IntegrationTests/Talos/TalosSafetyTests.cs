using AlarmType = EtcdRemediator.Etcd.Wire.AlarmType;

namespace EtcdRemediator.IntegrationTests.Talos;

/// <summary>What the Talos API does differently, and how the service stays safe with it.</summary>
public sealed class TalosSafetyTests
{
    /// <summary>A disarm run through the apid stand-in with <paramref name="alarms"/> raised; what the nodes were asked, and etcdctl's alarm list after it.</summary>
    private static async Task<(RunRecord Run, StandInNodes Nodes, string Alarms)> DisarmThroughTalosAsync(params (int Member, AlarmType Alarm)[] alarms)
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await using var harness = await BackendHarness.StartAsync(Backend.Talos, cluster);
        foreach (var (member, alarm) in alarms) await cluster.ActivateAlarmAsync(member, alarm);
        await using var app = new RemediatorApp(harness.Settings());

        var run = await app.CreateClient().RunToEndAsync("lab", "disarm");

        var (_, list) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "alarm", "list");
        return (run, harness.Apid!.Nodes, list);
    }

    [Fact]
    public async Task WithACorruptAlarmPresentTalosDisarmIsNeverCalledBecauseItWouldClearThatToo()
    {
        var (run, nodes, alarms) = await DisarmThroughTalosAsync((0, AlarmType.Nospace), (1, AlarmType.Corrupt));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("not disarming through Talos", run.Reason);
        Assert.Contains("CORRUPT", run.Reason);
        Assert.DoesNotContain(nodes.Calls, c => c.Method.EndsWith("/EtcdAlarmDisarm", StringComparison.Ordinal));
        Assert.Contains("NOSPACE", alarms);
        Assert.Contains("CORRUPT", alarms);
    }

    [Fact]
    public async Task WithNoSpaceAloneTalosDisarmIsCalledOnceForTheWholeCluster()
    {
        var (run, nodes, alarms) = await DisarmThroughTalosAsync((0, AlarmType.Nospace), (2, AlarmType.Nospace));

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Single(nodes.Calls, c => c.Method.EndsWith("/EtcdAlarmDisarm", StringComparison.Ordinal));
        // Every call named its node in the single-valued `node` header, never the deprecated `nodes`.
        Assert.NotEmpty(nodes.Calls);
        Assert.Empty(nodes.DeprecatedNodesHeader);
        Assert.DoesNotContain("NOSPACE", alarms);
    }

    [Fact]
    public async Task AnOperatorCertificateDefragmentsWithMoveLeaderOffAndIsToldItNeedsAdminToMoveIt()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 8);
        using var pki = new TestPki("talos-test-ca");
        await using var apid = await ApidStandIn.StartAsync(cluster, pki);
        var dir = cluster.ScratchDirectory("talos");
        using var operatorCertificate = pki.Issue("O=os:operator, CN=etcd-remediator", server: false);
        var settings = BackendHarness.TalosSettings(apid.WriteTalosconfig(dir, pki, client: operatorCertificate));

        await using (var withMoveLeader = new RemediatorApp(settings))
        {
            var run = await withMoveLeader.CreateClient().RunToEndAsync("lab", "defrag", force: true);

            Assert.Equal(RunStatus.Failed, run.Status);
            Assert.Contains("EtcdForfeitLeadership", run.Reason);
            Assert.Contains("os:admin", run.Reason);
            Assert.Contains("Policy:MoveLeader=false", run.Reason);
            // The followers were done; the leader, whose leadership could not move, was left alone.
            // (etcd's log is read as it is written: wait for the lines of what the run recorded.)
            Assert.Equal(2, run.Steps.Count(s => s.Name == "defragment"));
            await Poll.UntilAsync(() => Task.FromResult(DefragEvidence.Windows(cluster).Count), c => c >= 2, TimeSpan.FromSeconds(10), "etcd's log of both defragments");
            Assert.Equal(2, DefragEvidence.Windows(cluster).Count);
        }

        settings["Remediator:Policy:MoveLeader"] = "false";
        await using var withoutMoveLeader = new RemediatorApp(settings);
        var second = await withoutMoveLeader.CreateClient().RunToEndAsync("lab", "defrag", force: true, ignoreThresholds: true);

        Assert.True(second.Status == RunStatus.Succeeded, $"{second.Status}: {second.Reason}");
        Assert.Equal(5, DefragEvidence.Windows(cluster).Count);
    }

    [Fact]
    public async Task AReplacedTalosconfigIsUsedByTheNextRunWithoutARestart()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        using var pki = new TestPki("talos-test-ca");
        await using var apid = await ApidStandIn.StartAsync(cluster, pki);
        var dir = cluster.ScratchDirectory("talos");
        using var first = pki.Issue("O=os:admin, CN=first-certificate", server: false);
        using var second = pki.Issue("O=os:admin, CN=second-certificate", server: false);
        await using var app = new RemediatorApp(BackendHarness.TalosSettings(apid.WriteTalosconfig(dir, pki, client: first)));
        var client = app.CreateClient();
        Assert.Equal(RunStatus.Succeeded, (await client.RunToEndAsync("lab", "snapshot")).Status);
        Assert.Contains(apid.Nodes.ClientSubjects, s => s.Contains("CN=first-certificate", StringComparison.Ordinal));

        // Rotated in place, as Talos renews an in-cluster talosconfig.
        apid.WriteTalosconfig(dir, pki, client: second);
        await Poll.UntilAsync(async () =>
            {
                await client.GetStringAsync("/api/v1/clusters/lab/status");
                return apid.Nodes.ClientSubjects.Any(s => s.Contains("CN=second-certificate", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(20), "calls with the new certificate");
        apid.Nodes.ClientSubjects.Clear();
        var run = await client.RunToEndAsync("lab", "snapshot");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.NotEmpty(apid.Nodes.ClientSubjects);
        Assert.All(apid.Nodes.ClientSubjects, s => Assert.Contains("CN=second-certificate", s));
    }

    [Fact]
    public async Task WithNoNodeConfiguredTheNodesAreFoundFromTheMemberListAndARunSucceeds()
    {
        // Each member on an address of its own, as Talos nodes are, so node names are bare addresses.
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { LoopbackAddressPerMember = true });
        await cluster.FragmentAsync(megabytes: 8);
        using var pki = new TestPki("talos-test-ca");
        await using var apid = await ApidStandIn.StartAsync(cluster, pki);
        var dir = cluster.ScratchDirectory("talos");
        Assert.Equal(["127.0.0.2", "127.0.0.3", "127.0.0.4"], apid.Nodes.Names);
        await using var app = new RemediatorApp(BackendHarness.TalosSettings(apid.WriteTalosconfig(dir, pki, withNodes: false)));

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        DefragEvidence.AssertSequential(DefragEvidence.Windows(cluster));
        // Every member's defragment went to its own node, named by its bare address.
        var defragmented = apid.Nodes.Calls.Where(c => c.Method.EndsWith("/EtcdDefragment", StringComparison.Ordinal)).Select(c => c.Node).Order();
        Assert.Equal(["127.0.0.2", "127.0.0.3", "127.0.0.4"], defragmented);
    }

    [Fact]
    public async Task ATalosconfigAsTalosMakesItDrivesTheWholePipelineThroughAnEd25519TlsServer()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { LoopbackAddressPerMember = true });
        await cluster.FragmentAsync(megabytes: 8);
        var dir = cluster.ScratchDirectory("talos-ed25519");
        // Talos' OS PKI: an Ed25519 CA; the client key Ed25519 too, its role the Organization.
        var pki = await Ed25519Pki.CreateAsync(dir, clientSubject: "/O=os:admin/CN=etcd-remediator");
        using var unused = new TestPki("unused-stand-in-ca");
        await using var apid = await ApidStandIn.StartAsync(cluster, unused, behindProxy: true);
        await using var front = await NginxTlsFront.StartAsync(pki, apid.Port);
        // As in a pod: context "default", one endpoint, no nodes (found from the member list).
        var talosconfig = ApidStandIn.WriteTalosconfig(Path.Combine(dir, "talosconfig"), front.Endpoint, [],
            await File.ReadAllTextAsync(pki.Ca), await File.ReadAllTextAsync(pki.ClientCert), await File.ReadAllTextAsync(pki.ClientKey));
        await using var app = new RemediatorApp(BackendHarness.TalosSettings(talosconfig));

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        DefragEvidence.AssertSequential(DefragEvidence.Windows(cluster));
        await SnapshotAssertions.AssertVerifiedAsync(run, app.DataDirectory, revisionKnown: false);
        // nginx verified the Ed25519 client certificate and passed on who it was.
        Assert.Contains(apid.Nodes.ClientSubjects, s => s.Contains("O=os:admin", StringComparison.Ordinal));
        Assert.Empty(apid.Nodes.DeprecatedNodesHeader);
    }

    [Fact]
    public async Task ASnapshotStreamThatTalosCutsOffWithStatusOkIsRefusedAndNothingIsDefragmented()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 8);
        await using var harness = await BackendHarness.StartAsync(Backend.Talos, cluster);
        harness.Apid!.Nodes.CutSnapshotsAfter = 100 * 1024;
        await using var app = new RemediatorApp(harness.Settings());

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("failed verification", run.Reason);
        Assert.Empty(DefragEvidence.Windows(cluster));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "snapshots", "lab"), "*.db"));
    }
}
