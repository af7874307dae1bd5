using EtcdRemediator.Alerts;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// With kube-prometheus-stack, its own etcd alerts are the ones that page and reach the service: we
/// ship no rule of the same name beside them (two rules, two pages), and its alerts, labelled as the
/// chart labels them (no `cluster` label), reach the webhook and the overlay's one cluster.
/// </summary>
public sealed class ChartEtcdAlertsTests
{
    /// <summary>
    /// Every alert of kube-prometheus-stack's etcd rules (prometheus-community/helm-charts, chart
    /// 88.5.3, charts/kube-prometheus-stack/templates/prometheus/rules-1.14/etcd.yaml, generated from
    /// etcd's mixin).
    /// </summary>
    private static readonly HashSet<string> ChartAlerts =
    [
        "etcdMembersDown", "etcdInsufficientMembers", "etcdNoLeader", "etcdHighNumberOfLeaderChanges",
        "etcdHighNumberOfFailedGRPCRequests", "etcdGRPCRequestsSlow", "etcdMemberCommunicationSlow",
        "etcdHighNumberOfFailedProposals", "etcdHighFsyncDurations", "etcdHighCommitDurations",
        "etcdDatabaseQuotaLowSpace", "etcdExcessiveDatabaseGrowth", "etcdDatabaseHighFragmentationRatio",
    ];

    /// <summary>
    /// The labels such an alert carries: those of the series the chart scrapes (its kubeEtcd Service
    /// <c>&lt;release&gt;-kube-etcd</c> in kube-system, port http-metrics, job from the Service's `jobLabel`
    /// label, kube-etcd), the rule's severity and the operator's external `prometheus` label. No `cluster`.
    /// </summary>
    private static Dictionary<string, string> ChartLabels(string alert, string severity) => new()
    {
        ["alertname"] = alert,
        ["severity"] = severity,
        ["job"] = "kube-etcd",
        ["namespace"] = "kube-system",
        ["service"] = "kube-prometheus-stack-kube-etcd",
        ["endpoint"] = "http-metrics",
        ["instance"] = "192.0.2.11:2381",
        ["pod"] = "etcd-cp-1",
        ["prometheus"] = "monitoring/kube-prometheus-stack-prometheus",
    };

    public static TheoryData<string> Shipped => ["monitoring", "monitoring/watch", .. Overlays];

    [Theory]
    [EachOverlay]
    public async Task TheChartsDiskAlertsReachTheWebhookThroughTheRenderedAlertmanagerConfig(string overlay)
    {
        var config = OperatorRoutes.Config((await RenderWithMonitoringAsync(overlay)).Single("AlertmanagerConfig"), onNamespace: false);
        const string webhook = "etcd-remediator/etcd-remediator/etcd-remediator";

        foreach (var (alert, severity) in new[] { ("etcdDatabaseHighFragmentationRatio", "warning"), ("etcdDatabaseQuotaLowSpace", "critical") })
        {
            var labels = ChartLabels(alert, severity).Select(kv => $"{kv.Key}={kv.Value}").ToArray();
            Assert.Contains(webhook, (await OperatorRoutes.ReceiversAsync(config, labels)).Split(','));
        }
        // Growth has no remediation (a defrag does not shrink the data in use): it stays with people.
        var growth = ChartLabels("etcdExcessiveDatabaseGrowth", "warning").Select(kv => $"{kv.Key}={kv.Value}").ToArray();
        Assert.DoesNotContain(webhook, (await OperatorRoutes.ReceiversAsync(config, growth)).Split(','));
    }

    /// <summary>The alert names no cluster: the service takes the only configured one, which each overlay has.</summary>
    [Theory]
    [EachOverlay]
    public async Task TheServiceSendsTheChartsAlertWithoutAClusterLabelToTheOverlaysOneCluster(string overlay)
    {
        var options = ManifestOptions.Bind(await RenderAsync(overlay));
        var cluster = Assert.Single(options.Clusters);
        var labels = ChartLabels("etcdDatabaseHighFragmentationRatio", "warning");
        Assert.DoesNotContain(options.Alerts.ClusterLabel, labels.Keys);

        var route = AlertRouter.Route(new AlertmanagerAlert("firing", labels, [], DateTimeOffset.UtcNow, null, null, "f1"), options.Alerts, [cluster.Name]);

        Assert.Equal(RouteKind.Remediate, route.Kind);
        Assert.Equal(cluster.Name, route.Cluster);
        Assert.Equal(RemediationAction.Defrag, route.Action);
    }

    /// <summary>
    /// None of our rules repeats one of the chart's, but the watch's: they alert from the service's
    /// own gauges and are muted while Prometheus has etcd's metrics (with the chart's labels: no
    /// `cluster`), that is, exactly where the chart's rules have data.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shipped))]
    public async Task NoShippedRuleRepeatsAnAlertOfTheChartsEtcdRules(string kustomization)
    {
        var rules = (await RenderWithMonitoringAsync(kustomization)).All("PrometheusRule")
            .SelectMany(r => Items(r, "spec", "groups"))
            .SelectMany(g => Items(g, "rules").Select(rule => (Group: Str(g, "name"), Alert: Str(rule, "alert"), Expr: Str(rule, "expr"))))
            .Where(r => r.Alert is not null && ChartAlerts.Contains(r.Alert))
            .ToList();

        Assert.All(rules, r =>
        {
            Assert.True(r.Group == "etcd-disk-watch", $"{kustomization} ships {r.Alert} (group {r.Group}), which kube-prometheus-stack already ships");
            Assert.Contains("unless on() group(etcd_mvcc_db_total_size_in_bytes{job=~\".*etcd.*\", cluster=\"\"})", r.Expr);
        });
    }
}
