using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// deploy/kubernetes as `kubectl kustomize` renders it: every object valid against the Kubernetes and
/// Prometheus Operator schemas, the Deployment matching the image (docker/Dockerfile), the rules the
/// same as the promtool-tested rule files, and the Alertmanager route the same as the example's.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string[] RecommendedLabels =
        ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"];

    /// <summary>APP_UID of Microsoft's .NET runtime images, which docker/Dockerfile runs as (USER $APP_UID).</summary>
    private const string ImageUser = "1654";

    public static TheoryData<string> Kustomizations => ["base", "monitoring", "monitoring/watch", "monitoring/etcd-mixin", .. Overlays];

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryObjectValidatesAgainstTheKubernetesAndPrometheusOperatorSchemas(string kustomization)
    {
        var manifests = await RenderAsync(kustomization);

        var (exit, output) = await SchemaValidator.ValidateAsync(manifests.Text);

        Assert.True(exit == 0, output);
        Assert.Contains($"{manifests.Objects.Count} objects, 0 invalid", output);
    }

    /// <summary>Kinds that live outside any namespace (kubectl api-resources --namespaced=false, those one could ship).</summary>
    private static readonly HashSet<string> ClusterScoped =
    [
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "StorageClass",
        "PersistentVolume", "IngressClass", "RuntimeClass", "CSIDriver", "APIService",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    ];

    /// <summary>
    /// Each kustomization applied alone puts everything in etcd-remediator: an object rendered without
    /// a namespace lands in the current context's (usually default). For Talos' ServiceAccount that
    /// is a namespace the machine config does not allow: Talos never writes its Secret, and the pod
    /// waits for its volume forever.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryNamespacedObjectIsInTheNamespaceEtcdRemediator(string kustomization)
    {
        var manifests = await RenderAsync(kustomization);

        Assert.NotEmpty(manifests.Objects);
        Assert.All(manifests.Objects.Where(o => !ClusterScoped.Contains(Str(o, "kind")!)), o =>
            Assert.True(Str(o, "metadata", "namespace") == "etcd-remediator",
                $"{Str(o, "apiVersion")} {Str(o, "kind")} {Str(o, "metadata", "name")} renders in namespace " +
                $"'{Str(o, "metadata", "namespace") ?? "(none: the current context's)"}', not etcd-remediator"));
        Assert.All(manifests.All("Namespace"), n => Assert.Equal("etcd-remediator", Str(n, "metadata", "name")));
    }

    [Theory]
    [EachOverlay]
    public async Task TheDeploymentIsOneNonRootReplicaThatMatchesTheImage(string overlay)
    {
        var manifests = await RenderAsync(overlay);
        var deployment = manifests.Single("Deployment");
        var pod = At(deployment, "spec", "template", "spec")!;
        var container = At(pod, "containers", 0)!;
        var dockerfile = await File.ReadAllTextAsync(RepoFiles.Path("docker", "Dockerfile"));

        // One process per run store: one replica, never two during a rollout.
        Assert.Equal("1", Str(deployment, "spec", "replicas"));
        Assert.Equal("Recreate", Str(deployment, "spec", "strategy", "type"));
        // The image's own user, no privilege, nothing writable but the volumes.
        Assert.Contains("USER $APP_UID", dockerfile);
        Assert.Equal("true", Str(pod, "securityContext", "runAsNonRoot"));
        Assert.Equal(ImageUser, Str(pod, "securityContext", "runAsUser"));
        Assert.Equal("RuntimeDefault", Str(pod, "securityContext", "seccompProfile", "type"));
        Assert.Equal("false", Str(pod, "automountServiceAccountToken"));
        Assert.Equal("true", Str(container, "securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", Str(container, "securityContext", "allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], Items(container, "securityContext", "capabilities", "drop").Select(n => n.ToString()));
        Assert.Empty(Items(container, "securityContext", "capabilities", "add"));
        // No overlay needs a root init container or a node's files any more (the kubeadm one reads a Secret).
        Assert.Empty(Items(pod, "initContainers"));
        Assert.DoesNotContain(Items(pod, "volumes"), v => At(v, "hostPath") is not null);
        Assert.DoesNotContain(Items(container, "volumeMounts"), m => At(pod, "volumes") is YamlSequenceNode vs
            && vs.Children.Any(v => Str(v, "name") == Str(m, "name") && At(v, "hostPath") is not null));
        // A pinned image: a tag or a digest, never latest.
        var image = Str(container, "image")!;
        Assert.Matches(@"^[^:@]+(:[\w.-]+|@sha256:[0-9a-f]{64})$", image);
        Assert.DoesNotContain(":latest", image);
        // Sized: requests and a memory limit.
        Assert.NotNull(Str(container, "resources", "requests", "memory"));
        Assert.NotNull(Str(container, "resources", "requests", "cpu"));
        Assert.NotNull(Str(container, "resources", "limits", "memory"));
        // The port, health endpoints and data path the image uses.
        Assert.Contains("EXPOSE 8080", dockerfile);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", dockerfile);
        Assert.Equal("8080", Str(container, "ports", 0, "containerPort"));
        Assert.Equal("/healthz", Str(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Str(container, "readinessProbe", "httpGet", "path"));
        Assert.Contains("Remediator__Storage__Path=/data/remediator.db", dockerfile);
        var config = manifests.Single("ConfigMap");
        Assert.Equal("/data/remediator.db", Str(config, "data", "Remediator__Storage__Path"));
        Assert.Contains(Items(container, "volumeMounts"), m => Str(m, "mountPath") == "/data" && Str(m, "name") == "data");
        Assert.Equal(Str(config, "metadata", "name"), Str(container, "envFrom", 0, "configMapRef", "name"));
        Assert.Contains(Items(pod, "volumes"), v => Str(v, "name") == "tmp" && At(v, "emptyDir") is not null);
    }

    [Theory]
    [EachOverlay]
    public async Task EveryObjectCarriesTheRecommendedLabels(string overlay)
    {
        var manifests = await RenderAsync(overlay);

        Assert.All(manifests.Objects, o =>
        {
            foreach (var label in RecommendedLabels)
                Assert.True(Str(o, "metadata", "labels", label) is { Length: > 0 }, $"{Str(o, "kind")} {Str(o, "metadata", "name")} has no {label}");
        });
        var service = manifests.Single("Service");
        var template = At(manifests.Single("Deployment"), "spec", "template", "metadata", "labels") as YamlMappingNode;
        Assert.All(((YamlMappingNode)At(service, "spec", "selector")!).Children,
            kv => Assert.Equal(kv.Value.ToString(), Str(template!, kv.Key.ToString())));
    }

    [Fact]
    public async Task ThePrometheusRulesAreTheRuleFilesAndPassPromtoolsTests()
    {
        var dir = Directory.CreateTempSubdirectory("etcdrem-it-rules-").FullName;
        try
        {
            // The committed PrometheusRules are exactly what the script renders from the rule files.
            var (renderExit, renderOutput) = await Tools.RunAsync("bash", RepoFiles.Path("scripts", "render-kubernetes-rules.sh"), dir);
            Assert.True(renderExit == 0, renderOutput);
            var rendered = Directory.GetFiles(dir, "prometheusrule-*.yaml", SearchOption.AllDirectories);
            Assert.Equal(4, rendered.Length);
            foreach (var file in rendered)
                Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoFiles.Path("deploy", "kubernetes", "monitoring"), Path.GetRelativePath(dir, file))), await File.ReadAllTextAsync(file));

            // What kustomize renders carries every group of the rule files, each once (the talos overlay
            // has all but the etcd-mixin's, which only its own folder ships); promtool checks and
            // unit-tests the rule files put together again from them.
            var groups = (await RenderWithMonitoringAsync("overlays/talos")).All("PrometheusRule").Concat((await RenderAsync("monitoring/etcd-mixin")).All("PrometheusRule"))
                .SelectMany(r => Items(r, "spec", "groups")).ToDictionary(g => Str(g, "name")!);
            var serializer = new SerializerBuilder().Build();
            string[] sources = ["etcd-rules.yml", "remediator-rules.yml", "watch-rules.yml"];
            var used = 0;
            foreach (var source in sources)
            {
                var text = await File.ReadAllTextAsync(RepoFiles.Path("docker", "prometheus", source));
                var file = new DeserializerBuilder().Build().Deserialize<Dictionary<string, List<Dictionary<string, object>>>>(text);
                var names = file["groups"].Select(g => (string)g["name"]).ToList();
                used += names.Count;
                var spec = serializer.Serialize(new YamlStream(new YamlDocument(new YamlMappingNode(
                    new YamlScalarNode("groups"), new YamlSequenceNode(names.Select(n => groups[n]))))).Documents[0].RootNode);
                await File.WriteAllTextAsync(Path.Combine(dir, source), spec);
                Assert.Equal(Canonical(text), Canonical(spec));
            }
            Assert.Equal(used, groups.Count);
            // Every unit test of the rule files, watch-and-etcd-rules.test.yml (both loaded, as here) included.
            var tests = Directory.GetFiles(RepoFiles.Path("docker", "prometheus"), "*.test.yml").Select(t => Path.Combine(dir, Path.GetFileName(t))).ToArray();
            Assert.Contains(tests, t => Path.GetFileName(t) == "watch-and-etcd-rules.test.yml");
            foreach (var test in tests) File.Copy(RepoFiles.Path("docker", "prometheus", Path.GetFileName(test)), test);
            var (checkExit, checkOutput) = await Tools.RunAsync("promtool", ["check", "rules", .. sources.Select(s => Path.Combine(dir, s))]);
            Assert.True(checkExit == 0, checkOutput);
            var (testExit, testOutput) = await Tools.RunAsync("promtool", ["test", "rules", .. tests]);
            Assert.True(testExit == 0, testOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task TheAlertmanagerConfigRoutesTheExamplesAlertsToTheWebhookWhenTheMatcherStrategyIsNone()
    {
        var manifests = await RenderAsync("overlays/kubeadm");
        var config = manifests.Single("AlertmanagerConfig");
        var route = At(config, "spec", "route")!;
        var matcher = Items(route, "matchers").Single();
        var example = await File.ReadAllTextAsync(RepoFiles.Path("alertmanager.example.yml"));
        var webhook = At(config, "spec", "receivers", 0, "webhookConfigs", 0)!;

        // The same alert names as alertmanager.example.yml, to the service's Service and webhook token.
        Assert.Equal("alertname", Str(matcher, "name"));
        Assert.Equal("=~", Str(matcher, "matchType"));
        Assert.Contains($"alertname=~\"{Str(matcher, "value")}\"", example);
        Assert.Equal("http://etcd-remediator.etcd-remediator.svc:8080/api/v1/alerts", Str(webhook, "url"));
        Assert.Equal("8080", Str(manifests.Single("Service"), "spec", "ports", 0, "port"));
        Assert.Equal("etcd-remediator-webhook-token", Str(webhook, "httpConfig", "authorization", "credentials", "name"));

        // As the operator builds Alertmanager's configuration from it, tested with amtool against the
        // labels our rules give the alerts (etcd's series are in kube-system on kubeadm).
        foreach (var (onNamespace, reaches) in new[] { (false, true), (true, false) })
        {
            var generated = OperatorRoutes.Config(config, onNamespace);
            foreach (var alert in Str(matcher, "value")!.Split('|'))
            {
                var receivers = await OperatorRoutes.ReceiversAsync(generated, $"alertname={alert}", "cluster=prod", "namespace=kube-system", "severity=critical");
                Assert.Equal(reaches, receivers.Contains("etcd-remediator/etcd-remediator/etcd-remediator", StringComparison.Ordinal));
            }
            Assert.DoesNotContain("etcd-remediator/", await OperatorRoutes.ReceiversAsync(generated, "alertname=KubePodCrashLooping", "namespace=kube-system"));
        }
    }

    /// <summary>The same document whatever the key order (kustomize sorts keys): JSON with sorted keys.</summary>
    private static string Canonical(string yaml) =>
        JsonSerializer.Serialize(Sorted(new DeserializerBuilder().Build().Deserialize<object>(yaml)));

    private static object? Sorted(object? node) => node switch
    {
        IDictionary<object, object> map => new SortedDictionary<string, object?>(map.ToDictionary(kv => kv.Key.ToString()!, kv => Sorted(kv.Value)), StringComparer.Ordinal),
        IList<object> list => list.Select(Sorted).ToList(),
        _ => node,
    };
}
