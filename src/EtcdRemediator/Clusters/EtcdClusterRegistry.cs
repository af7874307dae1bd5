using EtcdRemediator.Etcd;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Talos;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Clusters;

/// <summary>The configured clusters by name, each with its own channels.</summary>
public sealed class EtcdClusterRegistry : IAsyncDisposable
{
    private readonly Dictionary<string, IEtcdCluster> _clusters;

    public EtcdClusterRegistry(IOptions<RemediatorOptions> options, TalosConnections talos, TimeProvider time)
    {
        var o = options.Value;
        _clusters = o.Clusters.ToDictionary(
            c => c.Name,
            c => c.Backend == EtcdBackend.Talos
                ? (IEtcdCluster)new TalosCluster(c, talos.Resolve(c), o.Policy.RequestTimeout, time)
                : new EtcdGrpcCluster(c, o.Policy.RequestTimeout, time),
            StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<IEtcdCluster> All => _clusters.Values;

    public IEtcdCluster? Find(string name) => _clusters.GetValueOrDefault(name);

    public async ValueTask DisposeAsync()
    {
        foreach (var cluster in _clusters.Values)
            if (cluster is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }
}
