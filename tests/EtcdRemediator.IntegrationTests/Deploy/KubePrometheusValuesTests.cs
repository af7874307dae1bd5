using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// The kube-prometheus-stack values files under deploy/kubernetes/monitoring, merged the way Helm
/// merges values (maps deep-merged, lists and scalars replaced) into the chart's default
/// Alertmanager configuration: amtool accepts the result and the chart's "null" receiver survives.
/// </summary>
public sealed class KubePrometheusValuesTests
{
    /// <summary>kube-prometheus-stack's default alertmanager.config (values.yaml), as the chart ships it.</summary>
    private const string ChartDefaultAlertmanagerConfig = """
        global:
          resolve_timeout: 5m
        inhibit_rules:
          - source_matchers: ['severity = critical']
            target_matchers: ['severity =~ warning|info']
            equal: [namespace, alertname]
          - source_matchers: ['severity = warning']
            target_matchers: ['severity = info']
            equal: [namespace, alertname]
          - source_matchers: ['alertname = InfoInhibitor']
            target_matchers: ['severity = info']
            equal: [namespace]
          - target_matchers: ['alertname = InfoInhibitor']
        route:
          group_by: [namespace]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 12h
          receiver: "null"
          routes:
            - receiver: "null"
              matchers:
                - alertname = "Watchdog"
        receivers:
          - name: "null"
        templates:
          - /etc/alertmanager/config/*.tmpl
        """;

    public static TheoryData<string> ValuesFiles => ["kube-prometheus-values.yaml", "kube-prometheus-values-routes.yaml"];

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public async Task MergedIntoTheChartsDefaultConfigAmtoolAcceptsItAndTheNullReceiverStays(string valuesFile)
    {
        var file = Path.Combine(Path.GetTempPath(), $"etcdrem-it-kps-{Guid.NewGuid():N}.yml");
        try
        {
            var config = await MergedConfigAsync(valuesFile);
            await File.WriteAllTextAsync(file, Yaml(config));

            var (exit, output) = await Tools.RunAsync("amtool", "check-config", file);
            Assert.True(exit == 0, $"amtool check-config on the chart's config merged with {valuesFile}:\n{output}\n{await File.ReadAllTextAsync(file)}");
            Assert.Contains(Manifests.Items(config, "receivers"), r => Manifests.Str(r, "name") == "null");
            // Watchdog still goes to the chart's null receiver.
            var (_, watchdog) = await Tools.RunAsync("amtool", "config", "routes", "test", "--config.file", file, "alertname=Watchdog");
            Assert.Equal("null", Receiver(watchdog));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The routes variant reaches the webhook with the chart's own etcd alert (its labels: namespace kube-system, no cluster).</summary>
    [Fact]
    public async Task TheRoutesVariantSendsEtcdAlertsToTheWebhookWithATokenFromAlertmanagersNamespace()
    {
        var file = Path.Combine(Path.GetTempPath(), $"etcdrem-it-kps-{Guid.NewGuid():N}.yml");
        try
        {
            var config = await MergedConfigAsync("kube-prometheus-values-routes.yaml");
            await File.WriteAllTextAsync(file, Yaml(config));

            var (_, etcd) = await Tools.RunAsync("amtool", "config", "routes", "test", "--config.file", file,
                "alertname=etcdDatabaseHighFragmentationRatio", "namespace=kube-system", "severity=warning");
            Assert.Equal("etcd-remediator", Receiver(etcd));
            var (_, other) = await Tools.RunAsync("amtool", "config", "routes", "test", "--config.file", file, "alertname=KubePodCrashLooping");
            Assert.Equal("null", Receiver(other));

            // The Secret is one the chart mounts into Alertmanager (alertmanagerSpec.secrets), in its namespace.
            var values = await ValuesAsync("kube-prometheus-values-routes.yaml");
            var secrets = (IList<object>)((IDictionary<object, object>)((IDictionary<object, object>)values["alertmanager"])["alertmanagerSpec"])["secrets"];
            var secret = Assert.Single(secrets).ToString();
            Assert.Contains($"credentials_file: /etc/alertmanager/secrets/{secret}/webhook.token",
                await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "monitoring", "kube-prometheus-values-routes.yaml")));
            Assert.Equal("etcd-remediator-webhook-token", secret);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TheMatcherStrategySnippetStandsAloneAndWarnsItIsClusterWide()
    {
        var text = await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "monitoring", "kube-prometheus-values.yaml"));
        var values = await ValuesAsync("kube-prometheus-values.yaml");
        var alertmanager = (IDictionary<object, object>)values["alertmanager"];

        Assert.Equal(["alertmanager", "prometheus"], values.Keys.Select(k => k.ToString()));
        Assert.Equal(["alertmanagerSpec"], alertmanager.Keys.Select(k => k.ToString()));
        Assert.Contains("WARNING", text);
        Assert.Contains("whole Alertmanager", text);
    }

    /// <summary>
    /// The service trusts an alert by its namespace label (Alerts:RequireLabels); without Prometheus' enforcement any
    /// PrometheusRule can write it (#38). Both values files enforce that very label, and except nothing but the chart's
    /// namespace and our NOSPACE rule, which the monitoring kustomization ships under that name.
    /// </summary>
    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public async Task BothValuesFilesMakePrometheusEnforceTheNamespaceLabel(string valuesFile)
    {
        var values = await ValuesAsync(valuesFile);
        var spec = (IDictionary<object, object>)((IDictionary<object, object>)values["prometheus"])["prometheusSpec"];
        var kustomization = await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "base", "kustomization.yaml"));
        var rules = await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "monitoring", "prometheusrule-etcd.yaml"));

        Assert.Equal(["enforcedNamespaceLabel", "excludedFromEnforcement"], spec.Keys.Select(k => k.ToString()));
        Assert.Contains($"Remediator__Alerts__RequireLabels__{spec["enforcedNamespaceLabel"]}=", kustomization, StringComparison.Ordinal);
        Assert.All(((IList<object>)spec["excludedFromEnforcement"]).Cast<IDictionary<object, object>>(), e =>
        {
            Assert.Equal("monitoring.coreos.com", e["group"]);
            if (e["namespace"].ToString() == "monitoring") return; // the chart's own ServiceMonitors and rules
            Assert.Equal(("etcd-remediator", "prometheusrules"), (e["namespace"].ToString(), e["resource"].ToString()));
            Assert.Contains($"name: {e["name"]}\n", rules, StringComparison.Ordinal);
        });
    }

    private static async Task<IDictionary<object, object>> ValuesAsync(string valuesFile) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(
            await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "monitoring", valuesFile)));

    /// <summary>What `amtool config routes test` printed, its flag warning left out.</summary>
    private static string Receiver(string output) =>
        string.Join(",", output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("Warning:", StringComparison.Ordinal)));

    private static string Yaml(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents[0].RootNode;
    }

    private static async Task<YamlMappingNode> MergedConfigAsync(string valuesFile)
    {
        var chart = (YamlMappingNode)Load(ChartDefaultAlertmanagerConfig);
        var values = Load(await File.ReadAllTextAsync(RepoFiles.Path("deploy", "kubernetes", "monitoring", valuesFile)));
        return Manifests.At(values, "alertmanager", "config") is YamlMappingNode overrides ? HelmMerge(chart, overrides) : chart;
    }

    /// <summary>How Helm merges a values file into the chart's values: maps deep-merged; lists and scalars replaced; null deletes.</summary>
    public static YamlMappingNode HelmMerge(YamlMappingNode chart, YamlMappingNode user)
    {
        var merged = new YamlMappingNode();
        foreach (var (key, value) in chart.Children) merged.Children[key] = value;
        foreach (var (key, value) in user.Children)
        {
            if (value is YamlScalarNode { Value: "null" or "~" or "", Style: ScalarStyle.Plain }) merged.Children.Remove(key);
            else if (value is YamlMappingNode userMap && merged.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode chartMap)
                merged.Children[key] = HelmMerge(chartMap, userMap);
            else merged.Children[key] = value;
        }
        return merged;
    }
}
