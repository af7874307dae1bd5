using EtcdRemediator.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// Whether the bucket answers a listing, and each cluster's newest copy, in /readyz's detail. Only ever Degraded, never
/// Unhealthy: a bucket out of reach costs the next copies, not remediation, and the service must keep taking alerts.
/// The listing is <see cref="OffsiteCatalog"/>'s, made at most every few minutes whatever the probes.
/// </summary>
internal sealed class OffsiteHealthCheck(OffsiteCatalog catalog, IOptions<RemediatorOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (await catalog.LookAsync(cancellationToken) is not { } look)
            return HealthCheckResult.Healthy("off-site copies are off (Snapshots:Offsite:Bucket is not set)");
        var data = options.Value.Clusters.ToDictionary(c => c.Name, c => (object)(catalog.NewestOf(c.Name) is { } newest
            ? $"newest copy {newest.Object} ({newest.Bytes} bytes) at {newest.At:u}"
            : "no copy in the bucket yet"));
        var target = OffsiteClient.Describe(options.Value.Snapshots.Offsite);
        return look.Error is { } error
            ? HealthCheckResult.Degraded($"{error} (listed {look.At:u})", data: data)
            : HealthCheckResult.Healthy($"{target} answers (listed {look.At:u})", data);
    }
}
