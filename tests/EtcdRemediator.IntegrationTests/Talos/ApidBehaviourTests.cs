using EtcdRemediator.Api;

namespace EtcdRemediator.IntegrationTests.Talos;

/// <summary>
/// What apid and machined do that a client must be ready for, as read in siderolabs/talos (apid's
/// proxy, machined's v1alpha1_server.go, internal/pkg/etcd): a worker answers Unimplemented, and a
/// node's own failure comes back as Unavailable, like an apid that cannot be reached.
/// </summary>
public sealed class ApidBehaviourTests : IAsyncDisposable
{
    private readonly TestPki _pki = new("talos-test-ca");
    private readonly string _dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "apid-").FullName;

    public async ValueTask DisposeAsync()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
        await ValueTask.CompletedTask;
    }

    private static Dictionary<string, string?> Settings(string talosconfig) => new()
    {
        ["Remediator:Clusters:0:Name"] = "lab",
        ["Remediator:Clusters:0:Backend"] = "Talos",
        ["Remediator:Clusters:0:Talos:ConfigFile"] = talosconfig,
        ["Remediator:Policy:MoveLeader"] = "false",
    };

    [Fact]
    public async Task AWorkerNamedFirstAmongTheNodesIsPassedOverForTheNext()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await using var apid = await ApidStandIn.StartAsync(cluster, _pki);
        apid.Nodes.Workers.Add("127.0.0.250");
        await using var app = new RemediatorApp(Settings(apid.WriteTalosconfig(_dir, _pki, nodes: ["127.0.0.250", .. apid.Nodes.Names])));

        var view = await app.CreateClient().GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status");

        Assert.Null(view!.Error);
        Assert.Equal(3, view.Members.Count(m => m.Error is null));
        Assert.Contains(apid.Nodes.Calls, c => c.Node == "127.0.0.250" && c.Method.EndsWith("/EtcdMemberList", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANodesOwnFailureToDefragmentIsNeverSentAgainThroughAnotherEndpoint()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 8);
        await using var apid = await ApidStandIn.StartAsync(cluster, _pki);
        foreach (var node in apid.Nodes.Names) apid.Nodes.FailingNodes[node] = true;
        // Two endpoints, both this apid (its certificate names 127.0.0.1 and localhost), as a talosconfig lists several.
        var talosconfig = apid.WriteTalosconfig(_dir, _pki, extraEndpoints: [$"localhost:{apid.Port}"]);
        await using var app = new RemediatorApp(Settings(talosconfig));

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag", force: true);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Single(apid.Nodes.Calls, c => c.Method.EndsWith("/EtcdDefragment", StringComparison.Ordinal));
        Assert.Empty(DefragEvidence.Windows(cluster));
    }
}
