using EtcdRemediator.Etcd;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EtcdRemediator.Clusters;

/// <summary>
/// Whether each cluster and each of its members answers, each call bounded by <see cref="Budget"/>
/// (a frozen member must not hold readiness up). Only ever Degraded, never Unhealthy: a cluster in
/// trouble is when the service is needed most, and it must keep taking alerts.
/// </summary>
public sealed class EtcdClustersHealthCheck(EtcdClusterRegistry clusters) : IHealthCheck
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var results = await Task.WhenAll(clusters.All.Select(c => CheckClusterAsync(c, cancellationToken)));
        var data = results.ToDictionary(r => r.Name, r => (object)r.Detail);
        return results.All(r => r.Ok)
            ? HealthCheckResult.Healthy("every cluster and member answers", data)
            : HealthCheckResult.Degraded($"unreachable: {string.Join(", ", results.Where(r => !r.Ok).Select(r => r.Name))}", data: data);
    }

    private static async Task<(string Name, bool Ok, string Detail)> CheckClusterAsync(IEtcdCluster cluster, CancellationToken cancellationToken)
    {
        IReadOnlyList<EtcdMember> members;
        try
        {
            members = await cluster.ListMembersAsync(cancellationToken).WaitAsync(Budget, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (cluster.Name, false, $"unreachable: {Words(e)}");
        }
        var silent = (await Task.WhenAll(members.Where(m => m.Endpoint.Length > 0).Select(async m =>
        {
            try
            {
                await cluster.GetStatusAsync(m, cancellationToken).WaitAsync(Budget, cancellationToken);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return $"{m.Name} ({m.Endpoint}) {Words(e)}";
            }
        }))).OfType<string>().ToList();
        return silent.Count == 0
            ? (cluster.Name, true, $"reachable: {members.Count} members answer")
            : (cluster.Name, false, $"{members.Count - silent.Count} of {members.Count} members answer; {string.Join("; ", silent)}");
    }

    private static string Words(Exception e) =>
        e is TimeoutException ? $"did not answer within {Budget.TotalSeconds:0} s" : EtcdErrors.Describe(e);
}
