using System.Diagnostics.CodeAnalysis;
using EtcdRemediator.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EtcdRemediator.Etcd;

/// <summary>
/// One way of reaching etcd (its v3 API directly, Talos' machine API): how its part of a cluster's
/// configuration is checked and how a client for a cluster is made. The registry and the start-up
/// check loop over the registered backends; adding one is a folder and a registration line
/// (<see cref="ClusterBackendRegistration.AddClusterBackend{T}"/>).
/// </summary>
internal interface IClusterBackend
{
    /// <summary>The configuration's value for it (<c>Clusters:N:Backend</c>), matched without regard to case.</summary>
    string Name { get; }

    /// <summary>The keys of the settings only this backend reads, under a cluster (<c>Talos:ConfigFile</c>), and their types: the
    /// configuration check knows them; the backend binds them from <see cref="ClusterOptions.Section"/>.</summary>
    IReadOnlyDictionary<string, Type> SettingKeys => EmptyKeys;

    private static readonly IReadOnlyDictionary<string, Type> EmptyKeys = new Dictionary<string, Type>();

    /// <summary>What is wrong with the backend's own settings of <paramref name="cluster"/>; each message starts with
    /// <paramref name="key"/>.</summary>
    IEnumerable<string> Validate(ClusterOptions cluster, string key);

    /// <summary>The credentials read as the client will read them (<see cref="Credentials.CredentialCheck"/>): errors, and
    /// warnings for certificates that expire soon. Nothing for what <see cref="Validate"/> reports.</summary>
    IEnumerable<string> CheckCredentials(ClusterOptions cluster, string key, DateTimeOffset now, ICollection<string>? warnings);

    IEtcdCluster Create(ClusterOptions cluster, PolicyOptions policy, TimeProvider time);
}

internal static class ClusterBackendRegistration
{
    /// <summary>Once per backend, however often it is called (the start-up check and the registry both need them). Annotated
    /// so that a trimmed or native AOT build keeps the backend's constructor for the container.</summary>
    public static IServiceCollection AddClusterBackend<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        this IServiceCollection services) where T : class, IClusterBackend
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IClusterBackend, T>());
        return services;
    }

    /// <summary>Each backend's name and the keys it reads under a cluster, for the configuration check.</summary>
    public static IReadOnlyCollection<(string Name, IReadOnlyDictionary<string, Type> SettingKeys)> Keys(
        this IEnumerable<IClusterBackend> backends) => [.. backends.Select(b => (b.Name, b.SettingKeys))];

    /// <summary>The backend a cluster's <c>Backend</c> names, in any case; null when none has that name.</summary>
    public static IClusterBackend? Named(this IEnumerable<IClusterBackend> backends, string name) =>
        backends.FirstOrDefault(b => b.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
