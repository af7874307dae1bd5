using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Etcd.Talos;
using EtcdRemediator.Etcd.V3;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EtcdRemediator.Clusters;

/// <summary>The backends this build ships: one registration line each.</summary>
internal static class ClusterBackends
{
    public static IServiceCollection AddShippedBackends(this IServiceCollection services)
    {
        services.TryAddSingleton<TalosConnections>(); // each talosconfig read once, for the check and the client
        return services
            .AddClusterBackend<EtcdV3Backend>()
            .AddClusterBackend<TalosBackend>();
    }

    /// <summary>The same backends without the container: for the start-up check run outside it, and tests.</summary>
    public static IReadOnlyList<IClusterBackend> Shipped(Func<ClusterOptions, TalosConnection>? resolveTalos = null) =>
        [new EtcdV3Backend(), new TalosBackend(resolveTalos ?? TalosConnection.Resolve)];
}
