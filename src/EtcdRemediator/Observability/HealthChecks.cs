using System.Text.Json;
using EtcdRemediator.Etcd;
using EtcdRemediator.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EtcdRemediator.Observability;

/// <summary>Without the run store no alert can be accepted: the one thing that makes us unready.</summary>
public sealed class RunStoreHealthCheck(RunStore store) : IHealthCheck
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

/// <summary>
/// Whether each cluster answers its member list. Only ever Degraded, never Unhealthy: a cluster in
/// trouble is when the service is needed most, and it must keep taking alerts.
/// </summary>
public sealed class EtcdClustersHealthCheck(EtcdClusterRegistry clusters) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var results = await Task.WhenAll(clusters.All.Select(async c =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                var members = await c.ListMembersAsync(timeout.Token);
                return (c.Name, Ok: true, Detail: $"{members.Count} members");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (c.Name, Ok: false, Detail: EtcdErrors.Describe(e));
            }
        }));
        var data = results.ToDictionary(r => r.Name, r => (object)(r.Ok ? $"reachable: {r.Detail}" : $"unreachable: {r.Detail}"));
        return results.All(r => r.Ok)
            ? HealthCheckResult.Healthy("every cluster answers", data)
            : HealthCheckResult.Degraded($"unreachable: {string.Join(", ", results.Where(r => !r.Ok).Select(r => r.Name))}", data: data);
    }
}

/// <summary>/readyz as JSON: overall status and each check with its description and data.</summary>
public static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description, e.Value.Data }),
        }, RunStore.Json));
    }
}
