using System.Diagnostics.Metrics;
using EtcdRemediator.Observability;

namespace EtcdRemediator.Forecasting;

/// <summary>
/// <c>etcdremediator_member_quota_exhausted_in_seconds{cluster,member}</c> (the name issue 28's contract
/// gives): seconds until the member's file reaches its quota at the present growth; no series for a
/// member that is not growing, so an alert on it needs no "and growing" clause.
/// </summary>
internal sealed class ForecastMetrics(IMeterFactory meters, ForecastBook book, TimeProvider time) : IHostedService
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000",
        Justification = "A meter from IMeterFactory belongs to the factory, which disposes it with the host.")]
    public Task StartAsync(CancellationToken cancellationToken)
    {
        meters.Create(RemediatorTelemetry.Name).CreateObservableGauge("etcdremediator_member_quota_exhausted_in_seconds", () => book.All
                .Select(e => new Measurement<double>(Math.Max(0, Math.Round((e.Forecast.QuotaReachedAt - time.GetUtcNow()).TotalSeconds)),
                    new("cluster", e.Cluster), new("member", e.Member))),
            description: "Seconds until the member's database file reaches its quota at its present growth (absent when not growing)");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
