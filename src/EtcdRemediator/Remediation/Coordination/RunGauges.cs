using EtcdRemediator.Clusters;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Remediation.Coordination;

/// <summary>
/// The coordinator's per-cluster gauges (circuit open, how long the current run has run), read at
/// scrape time. Registered when the host starts: by then the configuration has been checked.
/// </summary>
internal sealed class RunGauges(RemediatorTelemetry telemetry, EtcdClusterRegistry clusters, RemediationCoordinator coordinator, TimeProvider time)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        telemetry.ObserveClusters(() => clusters.All.Select(c =>
        {
            var state = coordinator.StateOf(c.Name);
            var running = state.RunningSince is { } since ? (time.GetUtcNow() - since).TotalSeconds : 0;
            return (c.Name, state.CircuitOpen, running);
        }));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
