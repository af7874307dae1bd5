using System.Collections.Concurrent;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation.Policy;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Remediation.Execution;

/// <summary>
/// The members' own quota: etcd 3.6 reports it in the status already read, 3.4 and 3.5 on their
/// metrics (read here, in parallel); the configured value only where no member reports one. A run
/// reads afresh (<c>maxAge</c> zero); the status page, refreshing every few seconds, may use an answer
/// up to a minute old: a quota changes only when etcd restarts with a new flag.
/// </summary>
internal sealed class QuotaReader(IOptions<RemediatorOptions> options, TimeProvider time)
{
    public static readonly TimeSpan PageMaxAge = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Cluster, ulong Member), (long? Bytes, DateTimeOffset At)> _known = new();

    public async Task<Quota> QuotaOfAsync(IEtcdCluster cluster, ClusterState state, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var reported = new Dictionary<ulong, long>();
        await Task.WhenAll(state.Voting.Where(m => m.Reachable).Select(async m =>
        {
            var bytes = m.Status!.DbSizeQuota > 0 ? m.Status.DbSizeQuota : await ReadAsync(cluster, m.Member, maxAge, cancellationToken);
            if (bytes is > 0) lock (reported) reported[m.Member.Id] = bytes.Value;
        }));
        var configured = options.Value.Clusters
            .FirstOrDefault(c => c.Name.Equals(cluster.Name, StringComparison.OrdinalIgnoreCase))?.QuotaBackendBytes
            ?? new ClusterOptions().QuotaBackendBytes;
        return DisarmRule.QuotaOf(reported, configured);
    }

    private async Task<long?> ReadAsync(IEtcdCluster cluster, EtcdMember member, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var key = (cluster.Name, member.Id);
        if (_known.TryGetValue(key, out var known) && time.GetUtcNow() - known.At < maxAge) return known.Bytes;
        var bytes = await cluster.ReadQuotaAsync(member, cancellationToken);
        _known[key] = (bytes, time.GetUtcNow());
        return bytes;
    }
}
