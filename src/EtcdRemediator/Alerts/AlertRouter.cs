using System.Collections.Frozen;
using System.Text.RegularExpressions;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;

namespace EtcdRemediator.Alerts;

internal enum RouteKind
{
    Remediate,
    Resolved,
    Ignored,
    UnknownCluster,
}

/// <summary>Where one alert goes: a cluster and an action, or why nowhere.</summary>
internal sealed record AlertRoute(RouteKind Kind, string? Cluster, RemediationAction? Action, string? Reason);

/// <summary>
/// Pure routing (docs/configuration.md, "Alertmanager routing"): cluster from the configured label, or the only cluster; only
/// alerts whose labels Alerts:RequireLabels trusts; action from the alert's own `remediation` label
/// (when Alerts:AllowRemediationLabel), then Alerts:Routes, then the etcd-mixin defaults.
/// </summary>
internal static class AlertRouter
{
    /// <summary>
    /// A quota-low alert fires before etcd raises NOSPACE: the cure is a defrag (no compaction, which would cut
    /// kube-apiserver's watches), and it is never deferred to a maintenance window: a window must not hold back
    /// what prevents an outage. Only NOSPACE itself asks for the recover routine.
    /// </summary>
    public static readonly FrozenSet<string> QuotaLowAlerts = FrozenSet.ToFrozenSet(["etcdDatabaseQuotaLowSpace", "etcdBackendQuotaLowSpace"]);

    public static readonly FrozenDictionary<string, RemediationAction> DefaultRoutes = new Dictionary<string, RemediationAction>
    {
        ["etcdDatabaseHighFragmentationRatio"] = RemediationAction.Defrag,
        ["etcdDatabaseQuotaLowSpace"] = RemediationAction.Defrag,
        ["etcdBackendQuotaLowSpace"] = RemediationAction.Defrag,
        ["etcdNoSpaceAlarm"] = RemediationAction.Recover,
    }.ToFrozenDictionary();

    public static AlertRoute Route(AlertmanagerAlert alert, AlertOptions options, IReadOnlyCollection<string> clusters)
    {
        var labels = alert.Labels ?? [];
        var cluster = labels.TryGetValue(options.ClusterLabel, out var named) && !string.IsNullOrWhiteSpace(named)
            ? clusters.FirstOrDefault(c => c.Equals(named, StringComparison.OrdinalIgnoreCase))
            : clusters.Count == 1 ? clusters.First() : null;
        if (!alert.IsFiring) return new AlertRoute(RouteKind.Resolved, cluster ?? named, null, "resolved alerts start nothing");
        if (cluster is null)
            return new AlertRoute(RouteKind.UnknownCluster, named, null, named is null
                ? $"the alert has no '{options.ClusterLabel}' label and {clusters.Count} clusters are configured"
                : $"no cluster named '{named}' is configured");

        if (Untrusted(labels, options) is { } untrusted)
            return new AlertRoute(RouteKind.Ignored, cluster, null, untrusted);
        if (options.AllowRemediationLabel && labels.TryGetValue("remediation", out var requested))
            return RemediationActions.TryParse(requested, out var labelled)
                ? new AlertRoute(RouteKind.Remediate, cluster, labelled, "remediation label")
                : new AlertRoute(RouteKind.Ignored, cluster, null, $"remediation label '{requested}' is not an action");
        if (options.Routes.TryGetValue(alert.AlertName, out var configured) && RemediationActions.TryParse(configured, out var routed))
            return new AlertRoute(RouteKind.Remediate, cluster, routed, "Alerts:Routes");
        if (DefaultRoutes.TryGetValue(alert.AlertName, out var byDefault))
            return new AlertRoute(RouteKind.Remediate, cluster, byDefault, "default route");
        return new AlertRoute(RouteKind.Ignored, cluster, null, $"no route for alert '{alert.AlertName}'");
    }

    /// <summary>Why an alert does not come from a rule source the operator trusts (Alerts:RequireLabels), or null.</summary>
    private static string? Untrusted(IReadOnlyDictionary<string, string> labels, AlertOptions options)
    {
        foreach (var (label, pattern) in options.RequireLabels)
        {
            var value = labels.GetValueOrDefault(label) ?? "";
            if (!Regex.IsMatch(value, Anchored(pattern), RegexOptions.None, MatchTimeout)) // the static call caches the parsed pattern
                return $"label '{label}' is '{value}', not one Alerts:RequireLabels trusts ('{pattern}')";
        }
        return null;
    }

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>A RequireLabels pattern as Alertmanager's <c>=~</c> reads it: the whole value must match.</summary>
    private static string Anchored(string pattern) => $"^(?:{pattern})$";

    /// <summary>Why a RequireLabels pattern cannot be used, for the start-up check; null when it can.</summary>
    public static string? PatternError(string pattern)
    {
        try
        {
            _ = new Regex(Anchored(pattern), RegexOptions.None, MatchTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
