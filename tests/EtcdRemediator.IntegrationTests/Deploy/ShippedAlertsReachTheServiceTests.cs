using EtcdRemediator.Alerts;
using EtcdRemediator.IntegrationTests.Alerts;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// Every alert a shipped rule raises to be acted on reaches the service configured as the overlay
/// configures it (Alerts:RequireLabels above all) and is accepted, never `ignored`: the labels are
/// those promtool sees the rules fire with, on series shaped as the watch and etcd export them.
/// </summary>
public sealed class ShippedAlertsReachTheServiceTests
{
    [Theory]
    [EachOverlay]
    public async Task EveryActingRuleTheOverlayShipsFiresWithLabelsItsServiceAccepts(string overlay)
    {
        var manifests = await RenderWithMonitoringAsync(overlay);
        var options = ManifestOptions.Bind(manifests);
        var cluster = Assert.Single(options.Clusters).Name;
        var acting = manifests.All("PrometheusRule").SelectMany(r => Items(r, "spec", "groups")).SelectMany(g => Items(g, "rules"))
            .Select(r => Str(r, "alert")).OfType<string>().Where(a => AlertRouter.DefaultRoutes.ContainsKey(a) || options.Alerts.Routes.ContainsKey(a))
            .ToHashSet();
        // The rule files' own tests say which labels each alert fires with; promtool holds them to it.
        var (exit, output) = await RuleTests.Value;
        Assert.True(exit == 0, output);
        var fired = Fired().Where(f => acting.Contains(f.Alert)).ToList();
        Assert.All(acting, a => Assert.Contains(fired, f => f.Alert == a));

        await using var app = new RemediatorApp(Settings(manifests, cluster));
        foreach (var (alert, labels, file) in fired)
        {
            // The watch's gauges carry the configured cluster's name; etcd's own series, as the chart scrapes them, none.
            if (labels.ContainsKey(options.Alerts.ClusterLabel)) labels[options.Alerts.ClusterLabel] = cluster;
            var d = await PostAsync(app, alert, labels);

            var disposition = d.GetProperty("disposition").GetString();
            // Routed to its action, never ignored. The cluster answers nowhere, so the first alert's run is refused; when it
            // has ended before the next alert arrives (seen on a loaded machine), that alert is held back: backoff, also routed.
            Assert.True(disposition is "started" or "joined" or "cooldown" or "backoff",
                $"{alert} from {file} with {string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"))}: {disposition} ({d.GetProperty("reason")})");
            Assert.Equal(AlertRouter.DefaultRoutes[alert].ToName(), d.GetProperty("action").GetString());
        }
    }

    [Fact]
    public async Task TheWatchsNoSpaceAlertFromTheRenderedTalosOverlayStartsARecover()
    {
        var manifests = await RenderWithMonitoringAsync("overlays/talos");
        var cluster = Assert.Single(ManifestOptions.Bind(manifests).Clusters).Name;
        var (_, labels, _) = Fired().First(f => f.Alert == "etcdNoSpaceAlarm" && f.File == "watch-rules.test.yml");
        labels["cluster"] = cluster;
        await using var app = new RemediatorApp(Settings(manifests, cluster));

        var d = await PostAsync(app, "etcdNoSpaceAlarm", labels);

        Assert.Equal(("started", "recover"), (d.GetProperty("disposition").GetString(), d.GetProperty("action").GetString()));
    }

    /// <summary>The rendered ConfigMap's Alerts settings, and the overlay's cluster at an address where nothing answers.</summary>
    private static Dictionary<string, string?> Settings(Manifests manifests, string cluster)
    {
        var settings = new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster(cluster));
        foreach (var (key, value) in ((YamlMappingNode)At(manifests.Single("ConfigMap"), "data")!).Children)
            if (key.ToString().StartsWith("Remediator__Alerts__", StringComparison.Ordinal))
                settings[key.ToString().Replace("__", ":", StringComparison.Ordinal)] = value.ToString();
        Assert.Contains(settings.Keys, k => k.StartsWith("Remediator:Alerts:RequireLabels:", StringComparison.Ordinal));
        return settings;
    }

    private static async Task<JsonElement> PostAsync(RemediatorApp app, string alert, Dictionary<string, string> labels)
    {
        var payload = Payloads.Alert(alert, cluster: null, extra: labels);
        using var response = await app.CreateClient().PostAsync("/api/v1/alerts", new StringContent(Payloads.Delivery(payload), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts")[0].Clone();
    }

    /// <summary>`promtool test rules` over the same files for every overlay: run once per test run.</summary>
    private static readonly Lazy<Task<(int ExitCode, string Output)>> RuleTests =
        new(() => Tools.RunAsync("promtool", ["test", "rules", .. TestFiles()]));

    private static string[] TestFiles() => Directory.GetFiles(RepoFiles.Path("docker", "prometheus"), "*.test.yml").Order().ToArray();

    /// <summary>Every alert the rule files' tests expect to fire, with its labels, the watch's NOSPACE first.</summary>
    private static IEnumerable<(string Alert, Dictionary<string, string> Labels, string File)> Fired() =>
        TestFiles().SelectMany(file =>
        {
            var test = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(File.ReadAllText(file));
            return ((List<object>)test["tests"]).Cast<Dictionary<object, object>>()
                .SelectMany(t => t.TryGetValue("alert_rule_test", out var a) ? ((List<object>)a).Cast<Dictionary<object, object>>() : [])
                .SelectMany(a => a.TryGetValue("exp_alerts", out var e) && e is List<object> expected
                    ? expected.Cast<Dictionary<object, object>>().Select(x => ((string)a["alertname"],
                        ((Dictionary<object, object>)x["exp_labels"]).ToDictionary(l => (string)l.Key, l => (string)l.Value), Path.GetFileName(file)))
                    : []);
        }).OrderBy(f => f.Item1 == "etcdNoSpaceAlarm" && f.Item3 == "watch-rules.test.yml" ? 0 : 1);
}
