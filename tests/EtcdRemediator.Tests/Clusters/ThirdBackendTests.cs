using EtcdRemediator.Clusters;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Etcd.Credentials;
using EtcdRemediator.Etcd.V3;
using EtcdRemediator.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Tests.Clusters;

/// <summary>
/// The backend seam, used as the next backend would use it: a kubeadm cluster whose etcd client
/// credentials come from a Kubernetes Secret (here, PEM text in memory) is etcd's own v3 client plus
/// a small credential source, registered with one line. Nothing else in the service names it.
/// </summary>
public sealed class ThirdBackendTests
{
    /// <summary>The whole backend: its name, its settings check, and the existing client with its own credentials.</summary>
    private sealed class SecretBackend : IClusterBackend
    {
        public string Name => "KubeadmSecret";

        public IEnumerable<string> Validate(ClusterOptions cluster, string key) =>
            cluster.Endpoints.Count == 0 ? [$"{key}:Endpoints: the API server's etcd endpoints are required."] : [];

        public IEnumerable<string> CheckCredentials(ClusterOptions cluster, string key, DateTimeOffset now, ICollection<string>? warnings) => [];

        public IEtcdCluster Create(ClusterOptions cluster, PolicyOptions policy, TimeProvider time) =>
            new EtcdGrpcCluster(new EtcdAccess(cluster.Name, cluster.Endpoints, () => TlsMaterial.FromPemText(null, null, null), [], null),
                policy.RequestTimeout, time);
    }

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Remediator:Clusters:0:Name"] = "kubeadm",
        ["Remediator:Clusters:0:Backend"] = "kubeadmsecret", // as an operator might write it
        ["Remediator:Clusters:0:Endpoints:0"] = "https://127.0.0.1:2379",
    };

    /// <summary>The service's own path: the check before binding, the binder, the start-up validator, the registry.</summary>
    private static (IReadOnlyList<string> Errors, RemediatorOptions Options, IReadOnlyList<IClusterBackend> Backends) Start(
        Action<IServiceCollection> register, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        register(services);
        IReadOnlyList<IClusterBackend> backends = [.. services.BuildServiceProvider().GetServices<IClusterBackend>()];
        var check = ConfigurationCheck.Run(new ConfigurationBuilder().AddInMemoryCollection(settings ?? Settings).Build()
            .GetSection(RemediatorOptions.Section), [.. backends.Select(b => b.Name)]);
        var options = new RemediatorOptions();
        check.Normalized.Bind(options);
        return ([.. check.Errors, .. RemediatorOptionsValidator.Collect(options, inKubernetes: false, backends: backends)], options, backends);
    }

    [Fact]
    public async Task OneRegistrationLineMakesItAValueTheConfigurationAcceptsAndTheRegistryBuilds()
    {
        var (errors, options, backends) = Start(s => s.AddShippedBackends().AddClusterBackend<SecretBackend>());

        Assert.Empty(errors);
        Assert.Equal("KubeadmSecret", Assert.Single(options.Clusters).Backend); // the registered spelling
        await using var registry = new EtcdClusterRegistry(Options.Create(options), backends, TimeProvider.System);
        var cluster = Assert.IsType<EtcdGrpcCluster>(registry.Find("kubeadm"));
        Assert.Equal(["https://127.0.0.1:2379"], cluster.Endpoints);
    }

    [Fact]
    public void WithoutItsRegistrationTheSameConfigurationIsRefusedNamingTheBackendsThereAre()
    {
        var (errors, _, _) = Start(s => s.AddShippedBackends());

        Assert.Equal(["Remediator:Clusters:0:Backend: 'kubeadmsecret' is not one of Etcd, Talos."], errors);
    }

    [Fact]
    public void ItsOwnSettingsCheckRunsForItsClustersOnly()
    {
        var noEndpoints = Settings.Where(s => !s.Key.Contains(":Endpoints:", StringComparison.Ordinal)).ToDictionary();

        var (errors, _, _) = Start(s => s.AddShippedBackends().AddClusterBackend<SecretBackend>(), noEndpoints);

        Assert.Equal(["Remediator:Clusters:0:Endpoints: the API server's etcd endpoints are required."], errors);
    }
}
