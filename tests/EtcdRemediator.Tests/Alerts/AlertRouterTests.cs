using EtcdRemediator.Alerts;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Remediation.Runs;

namespace EtcdRemediator.Tests.Alerts;

/// <summary>Routing is pure: one alert, the routes and the cluster names in; a cluster and an action (or why not) out.</summary>
public sealed class AlertRouterTests
{
    private static readonly AlertOptions Options = new()
    {
        Routes = new() { ["EtcdCustomAlarm"] = "disarm", ["etcdNoSpaceAlarm"] = "snapshot" },
        AllowRemediationLabel = true,
    };

    private static readonly AlertOptions Strict = new()
    {
        RequireLabels = new() { ["namespace"] = "kube-system|monitoring", ["team"] = "platform" },
    };

    private static AlertmanagerAlert Alert(string name, string? cluster = "prod", string status = "firing", string? remediation = null,
        string? ns = null, string? team = null)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = name };
        if (ns is not null) labels["namespace"] = ns;
        if (team is not null) labels["team"] = team;
        if (cluster is not null) labels["cluster"] = cluster;
        if (remediation is not null) labels["remediation"] = remediation;
        return new AlertmanagerAlert(status, labels, null, null, null, null, "f1");
    }

    public static TheoryData<string, AlertmanagerAlert, string[], RouteKind, string?, RemediationAction?, string> Cases => new()
    {
        { "a mixin alert takes its default action", Alert("etcdDatabaseHighFragmentationRatio"), ["prod", "lab"], RouteKind.Remediate, "prod", RemediationAction.Defrag, "default route" },
        { "the cluster label matches whatever its case", Alert("etcdDatabaseQuotaLowSpace", cluster: "PROD"), ["prod", "lab"], RouteKind.Remediate, "prod", RemediationAction.Recover, "default route" },
        { "a configured route beats the default", Alert("etcdNoSpaceAlarm"), ["prod"], RouteKind.Remediate, "prod", RemediationAction.Snapshot, "Alerts:Routes" },
        { "the alert's own label beats both", Alert("etcdNoSpaceAlarm", remediation: "recover"), ["prod"], RouteKind.Remediate, "prod", RemediationAction.Recover, "remediation label" },
        { "a label that is no action is ignored, not guessed", Alert("etcdNoSpaceAlarm", remediation: "reboot"), ["prod"], RouteKind.Ignored, "prod", null, "remediation label 'reboot' is not an action" },
        { "an alert nobody routes is ignored", Alert("etcdMembersDown"), ["prod"], RouteKind.Ignored, "prod", null, "no route for alert 'etcdMembersDown'" },
        { "no cluster label and one cluster: that one", Alert("etcdDatabaseHighFragmentationRatio", cluster: null), ["lab"], RouteKind.Remediate, "lab", RemediationAction.Defrag, "default route" },
        { "no cluster label and two clusters: unknown", Alert("etcdDatabaseHighFragmentationRatio", cluster: null), ["prod", "lab"], RouteKind.UnknownCluster, null, null, "the alert has no 'cluster' label and 2 clusters are configured" },
        { "a cluster not configured is named back", Alert("etcdDatabaseHighFragmentationRatio", cluster: "staging"), ["prod"], RouteKind.UnknownCluster, "staging", null, "no cluster named 'staging' is configured" },
        { "resolved alerts start nothing", Alert("etcdNoSpaceAlarm", status: "resolved"), ["prod"], RouteKind.Resolved, "prod", null, "resolved alerts start nothing" },
    };

    public static TheoryData<string, AlertmanagerAlert, RouteKind, RemediationAction?, string> StrictCases => new()
    {
        { "an alert from a trusted source is routed by its name", Alert("etcdDatabaseHighFragmentationRatio", ns: "kube-system", team: "platform"), RouteKind.Remediate, RemediationAction.Defrag, "default route" },
        { "the whole value must match, not a part of it", Alert("etcdDatabaseHighFragmentationRatio", ns: "kube-system-evil", team: "platform"), RouteKind.Ignored, null, "label 'namespace' is 'kube-system-evil', not one Alerts:RequireLabels trusts ('kube-system|monitoring')" },
        { "a missing label is an empty one", Alert("etcdNoSpaceAlarm", ns: "monitoring"), RouteKind.Ignored, null, "label 'team' is '', not one Alerts:RequireLabels trusts ('platform')" },
        { "the remediation label is not honoured unless allowed", Alert("etcdDatabaseHighFragmentationRatio", remediation: "recover", ns: "monitoring", team: "platform"), RouteKind.Remediate, RemediationAction.Defrag, "default route" },
    };

    [Theory]
    [MemberData(nameof(StrictCases))]
    public void OnlyAlertsFromTrustedRuleSourcesAreActedOnAndTheirLabelsDoNotPickTheAction(string because, AlertmanagerAlert alert, RouteKind kind, RemediationAction? action, string reason)
    {
        var route = AlertRouter.Route(alert, Strict, ["prod"]);

        Assert.True((kind, action, reason) == (route.Kind, route.Action, route.Reason), $"{because}: got {route}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachAlertGoesWhereItsLabelsAndTheRoutesSay(string because, AlertmanagerAlert alert, string[] clusters, RouteKind kind, string? cluster, RemediationAction? action, string reason)
    {
        var route = AlertRouter.Route(alert, Options, clusters);

        Assert.True((kind, cluster, action, reason) == (route.Kind, route.Cluster, route.Action, route.Reason), $"{because}: got {route}");
    }
}
