using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Clusters;

/// <summary>The configured clusters by name, each with its own channels.</summary>
internal sealed class EtcdClusterRegistry : IAsyncDisposable
{
    private readonly Dictionary<string, IEtcdCluster> _clusters;

    public EtcdClusterRegistry(IOptions<RemediatorOptions> options, IEnumerable<IClusterBackend> backends, TimeProvider time)
    {
        var o = options.Value;
        // The start-up check has refused a cluster whose backend is not registered.
        _clusters = o.Clusters.ToDictionary(c => c.Name, c => backends.Named(c.Backend)!.Create(c, o.Policy, time),
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
