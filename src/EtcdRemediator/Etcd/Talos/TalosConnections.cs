using System.Collections.Concurrent;
using EtcdRemediator.Configuration;

namespace EtcdRemediator.Etcd.Talos;

/// <summary>
/// Each Talos cluster's connection, resolved from its talosconfig once: the start-up check reads it
/// (and reports what is wrong under the cluster's key), the registry uses what the check read.
/// </summary>
/// <param name="read">How a talosconfig is read: <see cref="TalosConnection.Resolve"/> unless a test says otherwise.</param>
internal sealed class TalosConnections(Func<ClusterOptions, TalosConnection>? read = null)
{
    private readonly ConcurrentDictionary<string, TalosConnection> _byCluster = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Throws as the reader does; a failure is not remembered.</summary>
    public TalosConnection Resolve(ClusterOptions cluster) =>
        _byCluster.GetOrAdd(cluster.Name, _ => (read ?? TalosConnection.Resolve)(cluster));
}
