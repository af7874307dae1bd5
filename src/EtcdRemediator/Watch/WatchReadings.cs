using System.Collections.Concurrent;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation.Policy;

namespace EtcdRemediator.Watch;

/// <summary>One look of the watch at one cluster: every member's own status, and etcd's quota.</summary>
internal sealed record WatchReading(ClusterState State, Quota Quota);

/// <summary>The watch's latest reading of each cluster, for /metrics, the cluster API and the status page.</summary>
internal sealed class WatchReadings
{
    private readonly ConcurrentDictionary<string, WatchReading> _latest = new(StringComparer.OrdinalIgnoreCase);

    public void Record(WatchReading reading) => _latest[reading.State.Cluster] = reading;

    public WatchReading? Latest(string cluster) => _latest.GetValueOrDefault(cluster);

    public IEnumerable<WatchReading> All => _latest.Values;
}
