using EtcdRemediator.Clusters;
using EtcdRemediator.Etcd.Credentials;
using EtcdRemediator.Etcd.V3;
using EtcdRemediator.Startup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EtcdRemediator.Tests.Clusters;

/// <summary>
/// The backend seam, used as the next backend would use it: a kubeadm cluster whose etcd client
/// credentials come from a Kubernetes Secret (here, PEM text in memory) is etcd's own v3 client plus
/// a small credential source, registered with one line. Nothing else in the service names it.
/// </summary>
public sealed class ThirdBackendTests
{
    /// <summary>The whole backend: its name, its own settings and their check, and the existing client with its own credentials.</summary>
    private sealed class SecretBackend : IClusterBackend
    {
        public string Name => "KubeadmSecret";

        /// <summary>Settings only this backend reads, in the cluster's <c>KubeadmSecret</c> section.</summary>
        private sealed record SecretSettings
        {
            public string? SecretName { get; set; }
        }

        public IReadOnlyDictionary<string, Type> SettingKeys { get; } = ConfigurationCheck.KeysOf<SecretSettings>("KubeadmSecret");

        public IEnumerable<string> Validate(ClusterOptions cluster, string key)
        {
            if (cluster.Endpoints.Count == 0) yield return $"{key}:Endpoints: the API server's etcd endpoints are required.";
            if (cluster.Section.GetSection("KubeadmSecret").Get<SecretSettings>()?.SecretName is null)
                yield return $"{key}:KubeadmSecret:SecretName: the Secret holding etcd's client certificate is required.";
        }

        public IEnumerable<string> CheckCredentials(ClusterOptions cluster, string key, DateTimeOffset now, ICollection<string>? warnings) => [];

        public IEtcdCluster Create(ClusterOptions cluster, PolicyOptions policy, TimeProvider time) =>
            new EtcdGrpcCluster(new EtcdAccess(cluster.Name, cluster.Endpoints, () => TlsMaterial.FromPemText(null, null, null), [], null, Name),
                policy.RequestTimeout, time);
    }

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Remediator:Clusters:0:Name"] = "kubeadm",
        ["Remediator:Clusters:0:Backend"] = "kubeadmsecret", // as an operator might write it
        ["Remediator:Clusters:0:Endpoints:0"] = "https://127.0.0.1:2379",
        ["Remediator:Clusters:0:KubeadmSecret:SecretName"] = "etcd-healthcheck-client",
    };

    /// <summary>The service's own wiring (the configuration check, the binder, the start-up validator, the registry), plus
    /// whatever <paramref name="register"/> adds: the failures start-up reports, or the running host.</summary>
    private static (IReadOnlyList<string> Errors, IHost? Host) Start(Action<IServiceCollection> register, Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings ?? Settings);
        builder.AddRemediatorConfiguration();
        builder.Services.AddEtcdClusters();
        register(builder.Services);
        var host = builder.Build();
        try
        {
            _ = host.Services.GetRequiredService<IOptions<RemediatorOptions>>().Value;
            return ([], host);
        }
        catch (OptionsValidationException e)
        {
            host.Dispose();
            return ([.. e.Failures], null);
        }
    }

    [Fact]
    public void OneRegistrationLineMakesItAValueTheConfigurationAcceptsAndTheRegistryBuilds()
    {
        var (errors, host) = Start(s => s.AddClusterBackend<SecretBackend>());

        Assert.Empty(errors);
        using (host)
        {
            var options = host!.Services.GetRequiredService<IOptions<RemediatorOptions>>().Value;
            Assert.Equal("KubeadmSecret", Assert.Single(options.Clusters).Backend); // the registered spelling
            var cluster = Assert.IsType<EtcdGrpcCluster>(host.Services.GetRequiredService<EtcdClusterRegistry>().Find("kubeadm"));
        Assert.Equal(["https://127.0.0.1:2379"], cluster.Endpoints);
            Assert.Equal("KubeadmSecret", cluster.Backend); // as the cluster list and the run's steps name it
        }
    }

    [Fact]
    public void WithoutItsRegistrationTheSameConfigurationIsRefusedNamingTheBackendsThereAre()
    {
        var (errors, _) = Start(_ => { });

        // Its settings come with its registration: without it, its keys are unknown too.
        Assert.Equal(2, errors.Count);
        Assert.Equal("Remediator:Clusters:0:Backend: 'kubeadmsecret' is not one of Etcd, Talos.", errors[0]);
        Assert.StartsWith("Remediator:Clusters:0:KubeadmSecret:SecretName: is not a setting", errors[1]);
    }

    [Fact]
    public void ItsOwnSettingsCheckRunsForItsClustersOnly()
    {
        var noEndpoints = Settings.Where(s => !s.Key.Contains(":Endpoints:", StringComparison.Ordinal)).ToDictionary();

        var (errors, _) = Start(s => s.AddClusterBackend<SecretBackend>(), noEndpoints);

        Assert.Equal(["Remediator:Clusters:0:Endpoints: the API server's etcd endpoints are required."], errors);
    }

    private sealed record NestedSettings
    {
        public SecretSettingsPart? Part { get; set; }
    }

    private sealed record SecretSettingsPart
    {
        public string? Name { get; set; }
    }

    /// <summary>A native build keeps a settings type's own properties only (KeysOf's annotation): a nested type's keys would be
    /// unknown there and nowhere else, so such a type is refused where its keys are taken.</summary>
    [Fact]
    public void SettingsWithANestedTypeAreRefusedWhereTheirKeysAreTaken() =>
        Assert.Throws<ArgumentException>(() => ConfigurationCheck.KeysOf<NestedSettings>("Nested"));

    [Fact]
    public void ItBindsItsOwnSettingsFromItsClustersSection()
    {
        var noSecret = Settings.Where(s => !s.Key.EndsWith(":SecretName", StringComparison.Ordinal)).ToDictionary();

        var (errors, _) = Start(s => s.AddClusterBackend<SecretBackend>(), noSecret);

        Assert.Equal(["Remediator:Clusters:0:KubeadmSecret:SecretName: the Secret holding etcd's client certificate is required."], errors);
    }
}
