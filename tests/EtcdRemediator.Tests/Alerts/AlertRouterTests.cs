using EtcdRemediator.Alerts;

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

    // The alert wrapped, the enums by name: the service's types are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string, Arg, string[], string, string?, string?, string> Cases => new()
    {
        { "a mixin alert takes its default action", Arg.Of(Alert("etcdDatabaseHighFragmentationRatio")), ["prod", "lab"], nameof(RouteKind.Remediate), "prod", nameof(RemediationAction.Defrag), "default route" },
        { "the cluster label matches whatever its case", Arg.Of(Alert("etcdDatabaseQuotaLowSpace", cluster: "PROD")), ["prod", "lab"], nameof(RouteKind.Remediate), "prod", nameof(RemediationAction.Defrag), "default route" },
        { "a configured route beats the default", Arg.Of(Alert("etcdNoSpaceAlarm")), ["prod"], nameof(RouteKind.Remediate), "prod", nameof(RemediationAction.Snapshot), "Alerts:Routes" },
        { "the alert's own label beats both", Arg.Of(Alert("etcdNoSpaceAlarm", remediation: "recover")), ["prod"], nameof(RouteKind.Remediate), "prod", nameof(RemediationAction.Recover), "remediation label" },
        { "a label that is no action is ignored, not guessed", Arg.Of(Alert("etcdNoSpaceAlarm", remediation: "reboot")), ["prod"], nameof(RouteKind.Ignored), "prod", null, "remediation label 'reboot' is not an action" },
        { "an alert nobody routes is ignored", Arg.Of(Alert("etcdMembersDown")), ["prod"], nameof(RouteKind.Ignored), "prod", null, "no route for alert 'etcdMembersDown'" },
        { "no cluster label and one cluster: that one", Arg.Of(Alert("etcdDatabaseHighFragmentationRatio", cluster: null)), ["lab"], nameof(RouteKind.Remediate), "lab", nameof(RemediationAction.Defrag), "default route" },
        { "no cluster label and two clusters: unknown", Arg.Of(Alert("etcdDatabaseHighFragmentationRatio", cluster: null)), ["prod", "lab"], nameof(RouteKind.UnknownCluster), null, null, "the alert has no 'cluster' label and 2 clusters are configured" },
        { "a cluster not configured is named back", Arg.Of(Alert("etcdDatabaseHighFragmentationRatio", cluster: "staging")), ["prod"], nameof(RouteKind.UnknownCluster), "staging", null, "no cluster named 'staging' is configured" },
        { "resolved alerts start nothing", Arg.Of(Alert("etcdNoSpaceAlarm", status: "resolved")), ["prod"], nameof(RouteKind.Resolved), "prod", null, "resolved alerts start nothing" },
    };

    public static TheoryData<string, Arg, string, string?, string> StrictCases => new()
    {
        { "an alert from a trusted source is routed by its name", Arg.Of(Alert("etcdDatabaseHighFragmentationRatio", ns: "kube-system", team: "platform")), nameof(RouteKind.Remediate), nameof(RemediationAction.Defrag), "default route" },
        { "the whole value must match, not a part of it", Arg.Of(Alert("etcdDatabaseHighFragmentationRatio", ns: "kube-system-evil", team: "platform")), nameof(RouteKind.Ignored), null, "label 'namespace' is 'kube-system-evil', not one Alerts:RequireLabels trusts ('kube-system|monitoring')" },
        { "a missing label is an empty one", Arg.Of(Alert("etcdNoSpaceAlarm", ns: "monitoring")), nameof(RouteKind.Ignored), null, "label 'team' is '', not one Alerts:RequireLabels trusts ('platform')" },
        { "the remediation label is not honoured unless allowed", Arg.Of(Alert("etcdDatabaseHighFragmentationRatio", remediation: "recover", ns: "monitoring", team: "platform")), nameof(RouteKind.Remediate), nameof(RemediationAction.Defrag), "default route" },
    };

    [Theory]
    [MemberData(nameof(StrictCases))]
    public void OnlyAlertsFromTrustedRuleSourcesAreActedOnAndTheirLabelsDoNotPickTheAction(string because, Arg alertArg, string kindName, string? actionName,
        string reason)
    {
        var (alert, kind, action) = (alertArg.As<AlertmanagerAlert>(), Enum.Parse<RouteKind>(kindName), ActionOrNull(actionName));
        var route = AlertRouter.Route(alert, Strict, ["prod"]);

        Assert.True((kind, action, reason) == (route.Kind, route.Action, route.Reason), $"{because}: got {route}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachAlertGoesWhereItsLabelsAndTheRoutesSay(string because, Arg alertArg, string[] clusters, string kindName, string? cluster,
        string? actionName, string reason)
    {
        var (alert, kind, action) = (alertArg.As<AlertmanagerAlert>(), Enum.Parse<RouteKind>(kindName), ActionOrNull(actionName));
        var route = AlertRouter.Route(alert, Options, clusters);

        Assert.True((kind, cluster, action, reason) == (route.Kind, route.Cluster, route.Action, route.Reason), $"{because}: got {route}");
    }

    private static RemediationAction? ActionOrNull(string? name) => name is null ? null : Enum.Parse<RemediationAction>(name);
}
