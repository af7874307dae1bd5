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

    /// <summary>The same backends, from the same registration, for the start-up check run outside the service's container
    /// (tests): <paramref name="resolveTalos"/> reads talosconfigs in place of the files.</summary>
    public static IReadOnlyList<IClusterBackend> Shipped(Func<ClusterOptions, TalosConnection>? resolveTalos = null)
    {
        var services = new ServiceCollection().AddSingleton(new TalosConnections(resolveTalos));
        using var provider = services.AddShippedBackends().BuildServiceProvider();
        return [.. provider.GetServices<IClusterBackend>()];
    }
}
