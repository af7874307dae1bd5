using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EtcdRemediator.Remediation.Runs;

/// <summary>Without the run store no alert can be accepted: the one thing that makes us unready.</summary>
internal sealed class RunStoreHealthCheck(RunStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!store.IsOpen) return HealthCheckResult.Unhealthy("the run store is not open");
        if (store.Fault is { } fault) return HealthCheckResult.Unhealthy(fault);
        try
        {
            await store.ListAsync(null, 1, cancellationToken);
            return HealthCheckResult.Healthy("the run store answers");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the run store does not answer: {e.Message}");
        }
    }
}
