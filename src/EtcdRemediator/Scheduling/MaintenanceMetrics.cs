using System.Diagnostics.Metrics;
using EtcdRemediator.Calendar;
using EtcdRemediator.Clusters;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation.Coordination;

namespace EtcdRemediator.Scheduling;

/// <summary>Gauges read at scrape time, per cluster: the next scheduled run, the window and deferred runs.</summary>
internal sealed class MaintenanceMetrics(
    IMeterFactory meters,
    MaintenanceCalendar calendar,
    ScheduleRunner schedules,
    RemediationCoordinator coordinator,
    EtcdClusterRegistry clusters,
    TimeProvider time) : IHostedService
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000",
        Justification = "A meter from IMeterFactory belongs to the factory, which disposes it with the host.")]
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var meter = meters.Create(RemediatorTelemetry.Name);
        meter.CreateObservableGauge("etcd_remediator_schedule_next_run_timestamp_seconds", () => calendar.AllSchedules
                .Select(s => (s, next: schedules.NextOf(s)))
                .Where(x => x.next is not null)
                .Select(x => new Measurement<double>(x.next!.Value.At.ToUnixTimeMilliseconds() / 1000.0,
                    Tag("cluster", x.s.Cluster), Tag("action", x.s.Action),
                    Tag("schedule", x.s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
            description: "When the schedule's next run starts (Unix seconds, jitter included)");
        meter.CreateObservableGauge("etcd_remediator_deferred_runs", () => clusters.All
                .Select(c => new Measurement<int>(coordinator.StateOf(c.Name).DeferredUntil is null ? 0 : 1, Tag("cluster", c.Name))),
            description: "Runs waiting for the cluster's maintenance window");
        meter.CreateObservableGauge("etcd_remediator_maintenance_window_open", () => clusters.All
                .Select(c => new Measurement<int>(calendar.WindowsOf(c.Name).IsOpen(time.GetUtcNow()) ? 1 : 0, Tag("cluster", c.Name))),
            description: "1 while disruptive automatic work may start on the cluster (always, when no window is configured)");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
