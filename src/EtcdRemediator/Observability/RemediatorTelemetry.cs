using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EtcdRemediator.Observability;

/// <summary>
/// The service's own ActivitySource and Meter (both named "EtcdRemediator") and the instruments of
/// docs/http-api.md's "Observability". Names are the Prometheus names; the exporter keeps them as written.
/// </summary>
internal sealed class RemediatorTelemetry : IDisposable
{
    public const string Name = "EtcdRemediator";

    /// <summary>Labelled by alert name and disposition, not by cluster (see ObservabilityExtensions.SeriesLimits).</summary>
    public const string AlertsInstrument = "etcd_remediator_alerts_total";

    private readonly Meter _meter;

    /// <param name="sourceName">The ActivitySource's name: <see cref="Name"/>, which the tracing
    /// configuration listens to; a test may give its own to listen to its runs alone.</param>
    public RemediatorTelemetry(IMeterFactory meters, string sourceName = Name)
    {
        Source = new ActivitySource(sourceName);
        _meter = meters.Create(Name);
        Runs = _meter.CreateCounter<long>("etcd_remediator_runs_total", description: "Remediation runs that ended, by outcome");
        DefragDuration = _meter.CreateHistogram<double>("etcd_remediator_defrag_duration_seconds", unit: "s",
            description: "Time one member's defragment call took",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600] });
        ReclaimedBytes = _meter.CreateCounter<long>("etcd_remediator_reclaimed_bytes_total", unit: "By",
            description: "Bytes given back by defragmentation");
        SnapshotBytes = _meter.CreateGauge<long>("etcd_remediator_snapshot_bytes", unit: "By", description: "Size of the latest verified snapshot");
        Alerts = _meter.CreateCounter<long>(AlertsInstrument, description: "Alerts received, by what became of them");
        Backoffs = _meter.CreateCounter<long>("etcd_remediator_trigger_backoffs_total",
            description: "Automatic triggers that started nothing because the cluster's last runs were refused for one reason");
    }

    /// <summary>Spans of runs, steps and members.</summary>
    public ActivitySource Source { get; }

    public Counter<long> Runs { get; }
    public Histogram<double> DefragDuration { get; }
    public Counter<long> ReclaimedBytes { get; }
    public Gauge<long> SnapshotBytes { get; }
    public Counter<long> Alerts { get; }
    public Counter<long> Backoffs { get; }

    /// <summary>Gauges read from the coordinator at scrape time: one series per configured cluster.</summary>
    public void ObserveClusters(Func<IEnumerable<(string Cluster, bool CircuitOpen, double RunningSeconds)>> read)
    {
        _meter.CreateObservableGauge("etcd_remediator_circuit_open",
            () => read().Select(c => new Measurement<int>(c.CircuitOpen ? 1 : 0, new KeyValuePair<string, object?>("cluster", c.Cluster))),
            description: "1 while automatic runs of the cluster are stopped after repeated failures");
        _meter.CreateObservableGauge("etcd_remediator_run_running_seconds",
            () => read().Select(c => new Measurement<double>(c.RunningSeconds, new KeyValuePair<string, object?>("cluster", c.Cluster))),
            unit: "s", description: "How long the cluster's current run has been running; 0 when none is");
    }

    public void Dispose()
    {
        Source.Dispose();
        _meter.Dispose();
    }
}
