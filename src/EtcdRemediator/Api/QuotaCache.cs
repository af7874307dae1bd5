using System.Collections.Concurrent;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Api;

/// <summary>
/// The quota the status page scales its bars to. A quota changes only when etcd restarts with a new
/// flag, and the page refreshes every few seconds: each member's answer is kept a minute. (Runs read
/// it afresh: see RunExecutor.)
/// </summary>
public sealed class QuotaCache(IOptions<RemediatorOptions> options, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Cluster, ulong Member), (long? Bytes, DateTimeOffset At)> _known = new();

    public async Task<Quota> QuotaOfAsync(IEtcdCluster cluster, ClusterState state, CancellationToken cancellationToken)
    {
        var reported = new Dictionary<ulong, long>();
        await Task.WhenAll(state.Voting.Where(m => m.Reachable).Select(async m =>
        {
            var bytes = m.Status!.DbSizeQuota > 0 ? m.Status.DbSizeQuota : await ReadAsync(cluster, m.Member, cancellationToken);
            if (bytes is > 0) lock (reported) reported[m.Member.Id] = bytes.Value;
        }));
        var configured = options.Value.Clusters.FirstOrDefault(c => c.Name.Equals(cluster.Name, StringComparison.OrdinalIgnoreCase))?.QuotaBackendBytes
            ?? new ClusterOptions().QuotaBackendBytes;
        return DisarmRule.QuotaOf(reported, configured);
    }

    private async Task<long?> ReadAsync(IEtcdCluster cluster, EtcdMember member, CancellationToken cancellationToken)
    {
        var key = (cluster.Name, member.Id);
        if (_known.TryGetValue(key, out var known) && time.GetUtcNow() - known.At < MaxAge) return known.Bytes;
        var bytes = await cluster.ReadQuotaAsync(member, cancellationToken);
        _known[key] = (bytes, time.GetUtcNow());
        return bytes;
    }
}
