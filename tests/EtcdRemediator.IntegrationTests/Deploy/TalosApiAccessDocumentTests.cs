using YamlDotNet.RepresentationModel;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// Talos 1.14 deprecates machine.features.kubernetesTalosAPIAccess for the KubeTalosAPIAccessConfig
/// document (siderolabs/talos pkg/machinery/config/types/k8s/talos_api_access.go) and refuses a
/// config with both: the overlay ships each form, granting the same, and docs/talos.md says which.
/// </summary>
public sealed class TalosApiAccessDocumentTests
{
    private static YamlNode Load(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(RepoFiles.Path("deploy", "kubernetes", "overlays", "talos", file))));
        return Assert.Single(stream.Documents).RootNode;
    }

    [Fact]
    public void TheTalos114DocumentGrantsWhatThePatchForEarlierVersionsGrants()
    {
        var document = Load("kube-talos-api-access.yaml");
        var feature = At(Load("machine-config-patch.yaml"), "machine", "features", "kubernetesTalosAPIAccess")!;

        Assert.Equal("v1alpha1", Str(document, "apiVersion"));
        Assert.Equal("KubeTalosAPIAccessConfig", Str(document, "kind"));
        // The document's fields, and only those: its presence is what enables the access.
        Assert.Equal(["allowedKubernetesNamespaces", "allowedRoles", "apiVersion", "kind"],
            ((YamlMappingNode)document).Children.Keys.Select(k => k.ToString()).Order());
        Assert.Equal(Items(feature, "allowedRoles").Select(n => n.ToString()), Items(document, "allowedRoles").Select(n => n.ToString()));
        Assert.Equal(Items(feature, "allowedKubernetesNamespaces").Select(n => n.ToString()),
            Items(document, "allowedKubernetesNamespaces").Select(n => n.ToString()));
    }

    [Fact]
    public void TheTalosPageSaysWhichFormToApplyForWhichVersion()
    {
        var page = File.ReadAllText(RepoFiles.Path("docs", "talos.md"));

        Assert.Contains("kube-talos-api-access.yaml", page);
        Assert.Contains("machine-config-patch.yaml", page);
        Assert.Contains("1.14", page);
        Assert.Contains("KubeTalosAPIAccessConfig", page);
    }
}
