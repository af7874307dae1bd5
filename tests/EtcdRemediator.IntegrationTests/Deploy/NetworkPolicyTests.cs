using EtcdRemediator.Etcd.Talos;
using YamlDotNet.RepresentationModel;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// The NetworkPolicy as each overlay renders it (#25 finding 12): in, only the peers written in the
/// base, each bound to a namespace by name or to ours; out, DNS and the configured endpoints' port.
/// </summary>
public sealed class NetworkPolicyTests
{
    /// <summary>The endpoint the in-cluster talosconfig names (Talos' Service for apid in "default").</summary>
    private const string InClusterTalosEndpoint = "talos.default";

    [Theory]
    [EachOverlay]
    public async Task OnlyThePeersWrittenInTheBaseAreAdmittedEachBoundToANamespace(string overlay)
    {
        var policy = (await RenderAsync(overlay)).Single("NetworkPolicy");
        var written = new YamlStream();
        written.Load(new StringReader(await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "base", "networkpolicy.yaml"))));

        var peers = Items(policy, "spec", "ingress").SelectMany(r => Items(r, "from")).ToList();
        // As written: rendering (kustomize's selector labels, say) must not rewrite whom they select.
        Assert.Equal(
            Items(written.Documents[0].RootNode, "spec", "ingress").SelectMany(r => Items(r, "from")).Select(p => Labels(p, "podSelector")),
            peers.Select(p => Labels(p, "podSelector")));
        Assert.All(peers, p =>
        {
            Assert.Null(At(p, "ipBlock"));
            Assert.NotEmpty(Labels(p, "podSelector"));
            // No namespaceSelector is this namespace; otherwise one namespace, by the name label the API server sets.
            if (At(p, "namespaceSelector") is { } ns)
            {
                Assert.Null(At(ns, "matchExpressions"));
                Assert.Equal(["kubernetes.io/metadata.name"], Labels(p, "namespaceSelector").Select(kv => kv.Split('=')[0]));
            }
        });
        Assert.Contains(peers, p => Labels(p, "podSelector").Contains("app.kubernetes.io/name=alertmanager"));
        Assert.All(Items(policy, "spec", "ingress"), r => Assert.NotEmpty(Items(r, "ports")));
    }

    [Theory]
    [EachOverlay]
    public async Task TheWayOutIsDnsAndTheConfiguredEndpointsPortAndNothingElse(string overlay)
    {
        var manifests = await RenderAsync(overlay);
        var policy = manifests.Single("NetworkPolicy");
        var cluster = Assert.Single(ManifestOptions.Bind(manifests).Clusters);
        var endpoints = cluster.Endpoints.Count > 0 ? cluster.Endpoints
            : cluster.Backend == "Talos" ? [TalosConnection.ApidUrl(InClusterTalosEndpoint)] : [];
        var etcdPorts = endpoints.Select(e => $"{new Uri(e).Port}/TCP").ToHashSet();
        Assert.NotEmpty(etcdPorts);

        Assert.Contains("Egress", Items(policy, "spec", "policyTypes").Select(n => n.ToString()));
        var rules = Items(policy, "spec", "egress").ToList();
        // A rule without ports lets everything out.
        Assert.All(rules, r => Assert.NotEmpty(Items(r, "ports")));
        var dns = Assert.Single(rules, r => Ports(r).SetEquals(["53/UDP", "53/TCP"]));
        var dnsPeer = Assert.Single(Items(dns, "to"));
        Assert.Equal(["kubernetes.io/metadata.name=kube-system"], Labels(dnsPeer, "namespaceSelector"));
        Assert.Equal(["k8s-app=kube-dns"], Labels(dnsPeer, "podSelector"));
        Assert.Equal(etcdPorts, rules.Where(r => r != dns).SelectMany(Ports).ToHashSet());
    }

    private static HashSet<string> Ports(YamlNode rule) =>
        Items(rule, "ports").Select(p => $"{Str(p, "port")}/{Str(p, "protocol") ?? "TCP"}").ToHashSet();

    private static List<string> Labels(YamlNode peer, string selector) =>
        At(peer, selector, "matchLabels") is YamlMappingNode m ? [.. m.Children.Select(kv => $"{kv.Key}={kv.Value}")] : [];
}
