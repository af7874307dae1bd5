using System.Text;
using EtcdRemediator.Clusters;
using EtcdRemediator.Configuration;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Coordination;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Alerts;

/// <summary>The store cannot take the work: Alertmanager must retry (503), not drop it.</summary>
internal sealed class IntakeUnavailableException(Exception inner) : Exception("the run store cannot take the alert", inner);

/// <summary>
/// Turns one Alertmanager delivery into at most one run per cluster (the strongest action of its
/// alerts) and an audit entry, both durable before the answer. Duplicates join the same run.
/// </summary>
internal sealed class AlertIntake(
    RemediationCoordinator coordinator,
    AlertAuditStore audit,
    EtcdClusterRegistry clusters,
    IOptions<RemediatorOptions> options,
    RemediatorTelemetry telemetry,
    TimeProvider time)
{
    public const int AuditPayloadCap = 64 * 1024;

    /// <summary>A rejected delivery keeps less of its body: enough to see what was wrong, not a way to fill the disk.</summary>
    public const int RejectedPayloadCap = 4 * 1024;

    public async Task<AlertAuditEntry> AcceptAsync(AlertmanagerPayload payload, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken)
    {
        var names = clusters.All.Select(c => c.Name).ToList();
        var routed = payload.Alerts!.Select(a => (Alert: a, Route: AlertRouter.Route(a, options.Value.Alerts, names))).ToList();

        var results = new Dictionary<string, SubmitResult>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var group in routed.Where(r => r.Route.Kind == RouteKind.Remediate)
                .GroupBy(r => r.Route.Cluster!, StringComparer.OrdinalIgnoreCase))
            {
                var action = group.Select(r => r.Route.Action!.Value).Strongest();
                var alertNames = Bounded(group.Select(r => r.Alert.AlertName).Distinct().ToList());
                var trigger = new RunTrigger(TriggerKind.Alert, $"{alertNames} via {payload.Receiver ?? "alertmanager"} (group {payload.GroupKey})");
                // A quota-low alert cannot wait for a window that opens later than now (AlertRouter.QuotaLowAlerts).
                DateTimeOffset? mustStartBy = group.Any(r => AlertRouter.QuotaLowAlerts.Contains(r.Alert.AlertName)) ? time.GetUtcNow() : null;
                results[group.Key] = await coordinator.SubmitAsync(
                    new RunRequest(group.Key, action, false, false, trigger, MustStartBy: mustStartBy), cancellationToken);
            }

            // The first alert of a cluster carries what happened to the run (started, cooldown, ...);
            // the others of the same delivery joined that same run.
            var described = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var dispositions = routed.Select(r => Describe(r.Alert, r.Route, results,
                first: r.Route.Cluster is not { } c || described.Add(c))).ToList();
            var status = routed.Any(r => r.Route.Kind == RouteKind.UnknownCluster)
                ? StatusCodes.Status422UnprocessableEntity
                : StatusCodes.Status202Accepted;
            var entry = Entry(status, payload, dispositions,
                status == StatusCodes.Status202Accepted ? null : "an alert names a cluster that is not configured", raw);
            await audit.SaveAsync(entry, cancellationToken);
            foreach (var d in dispositions)
                telemetry.Alerts.Add(1, new("alertname", MetricAlertName(d.AlertName)), new("disposition", d.Disposition));
            return entry;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new IntakeUnavailableException(e);
        }
    }

    /// <summary>A run record keeps the trigger's alert names: the first few, and how many more.</summary>
    private static string Bounded(List<string> names)
    {
        const int shown = 10;
        return names.Count <= shown ? string.Join(", ", names) : $"{string.Join(", ", names.Take(shown))} and {names.Count - shown} more";
    }

    /// <summary>Rejected deliveries are audited too (best effort: the answer is already a 4xx).</summary>
    public async Task AuditRejectionAsync(int status, AlertmanagerPayload? payload, string error, ReadOnlyMemory<byte> raw,
        CancellationToken cancellationToken)
    {
        try
        {
            await audit.SaveAsync(Entry(status, payload, [], error, raw, RejectedPayloadCap), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Best effort: the caller already gets its 4xx, and a store that is down shows in /readyz.
        }
    }

    private AlertAuditEntry Entry(int status, AlertmanagerPayload? payload, IReadOnlyList<AlertDisposition> dispositions, string? error,
        ReadOnlyMemory<byte> raw, int cap = AuditPayloadCap)
    {
        var truncated = raw.Length > cap;
        var text = Encoding.UTF8.GetString(raw.Span[..Math.Min(raw.Length, cap)]);
        return new AlertAuditEntry($"a-{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}", time.GetUtcNow(), status,
            payload?.Receiver, payload?.GroupKey, dispositions, error, text, truncated);
    }

    /// <summary>Alert names come from outside: only the routed ones become label values, so the series stay few.</summary>
    private string MetricAlertName(string alertname) =>
        AlertRouter.DefaultRoutes.ContainsKey(alertname) || options.Value.Alerts.Routes.ContainsKey(alertname) ? alertname : "other";

    private static AlertDisposition Describe(AlertmanagerAlert alert, AlertRoute route, Dictionary<string, SubmitResult> results, bool first)
    {
        if (route.Kind != RouteKind.Remediate)
        {
            var kind = route.Kind switch
            {
                RouteKind.Resolved => Dispositions.Resolved,
                RouteKind.UnknownCluster => Dispositions.UnknownCluster,
                _ => Dispositions.Ignored,
            };
            return new AlertDisposition(alert.Fingerprint, alert.AlertName, route.Cluster, null, kind, null, route.Reason);
        }
        var result = results[route.Cluster!];
        var disposition = !first && result.Disposition == Disposition.Started ? Disposition.Joined : result.Disposition;
        return new AlertDisposition(alert.Fingerprint, alert.AlertName, route.Cluster, route.Action!.Value.ToName(),
            disposition.ToName(), result.Run?.Id, result.Reason ?? route.Reason);
    }
}
