using EtcdRemediator.Etcd;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EtcdRemediator.Clusters;

/// <summary>
/// Whether each cluster and each of its members answers: the status page's look (one attempt per
/// call), each call bounded by <see cref="Budget"/> so a frozen member cannot hold readiness up. Only
/// ever Degraded, never Unhealthy: a cluster in trouble is when the service is needed most, and it
/// must keep taking alerts.
/// </summary>
/// /readyz is unauthenticated: its answer is kept for <see cref="Fresh"/>, and concurrent probes share
/// one look, so that a flood of probes costs etcd one read per member every few seconds at most.
internal sealed class EtcdClustersHealthCheck(EtcdClusterRegistry clusters, ClusterInspector inspector, ClusterClaims claims, TimeProvider time)
    : IHealthCheck, IDisposable
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    /// <summary>How long one look answers readiness.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _one = new(1, 1);
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && time.GetUtcNow() - last.At < Fresh) return last.Result;
            var result = await LookAsync(cancellationToken);
            _last = (time.GetUtcNow(), result);
            return result;
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose() => _one.Dispose();

    private async Task<HealthCheckResult> LookAsync(CancellationToken cancellationToken)
    {
        var looks = await Task.WhenAll(clusters.All.Select(c => CheckClusterAsync(c, cancellationToken)));
        var results = looks.Select(r => TwoNames(r, looks) is { } twoNames ? r with { Ok = false, Detail = twoNames } : r).ToList();
        var data = results.ToDictionary(r => r.Name, r => (object)r.Detail);
        return results.All(r => r.Ok)
            ? HealthCheckResult.Healthy("every cluster and member answers", data)
            : HealthCheckResult.Degraded($"unreachable: {string.Join(", ", results.Where(r => !r.Ok).Select(r => r.Name))}", data: data);
    }

    private sealed record Look(string Name, bool Ok, string Detail, ulong? ClusterId, IReadOnlyList<ulong> MemberIds);

    /// <summary>One etcd cluster under two configured names: a run has claimed it for the other, or two names read it in this look.</summary>
    private string? TwoNames(Look look, IEnumerable<Look> all)
    {
        if (claims.ConflictOf(look.Name, look.ClusterId, look.MemberIds) is { } claimed) return claimed;
        var other = all.FirstOrDefault(o => !o.Name.Equals(look.Name, StringComparison.OrdinalIgnoreCase)
            && (o.ClusterId is { } id && id == look.ClusterId || o.MemberIds.Intersect(look.MemberIds).Any()));
        if (other is null) return null;
        return ClusterClaims.Refusal(look.Name, other.Name,
            look.ClusterId is { } clusterId ? $"etcd cluster {MemberId.ToHex(clusterId)}" : "the same etcd cluster");
    }

    private async Task<Look> CheckClusterAsync(IEtcdCluster cluster, CancellationToken cancellationToken)
    {
        var state = await inspector.InspectAsync(cluster, cancellationToken, retry: false, budget: Budget);
        if (state.MemberListError is { } unreachable) return new(cluster.Name, false, $"unreachable: {unreachable}", null, []);
        var ids = state.Members.Select(m => m.Member.Id).Where(id => id != 0).ToList();
        // A member with no address yet (a learner not started) is not expected to answer.
        var members = state.Members.Where(m => m.Member.Address.IsKnown).ToList();
        var silent = members.Where(m => !m.Reachable).Select(m => $"{m.Member.Name} ({m.Member.Address.Value}) {m.Error}").ToList();
        return silent.Count == 0
            ? new(cluster.Name, true, $"reachable: {members.Count} members answer", cluster.ClusterId, ids)
            : new(cluster.Name, false, $"{members.Count - silent.Count} of {members.Count} members answer; {string.Join("; ", silent)}",
                cluster.ClusterId, ids);
    }
}
