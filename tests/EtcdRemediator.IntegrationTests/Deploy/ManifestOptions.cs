using EtcdRemediator.Clusters;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;
using static EtcdRemediator.IntegrationTests.Deploy.Manifests;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>A rendered kustomization's configuration as the service reads it: the ConfigMap's environment variables through its own start-up check.</summary>
internal static class ManifestOptions
{
    public static RemediatorOptions Bind(Manifests manifests)
    {
        // Environment variables: __ for the configuration's ':'.
        var values = ((YamlMappingNode)At(manifests.Single("ConfigMap"), "data")!).Children.ToDictionary(
            kv => kv.Key.ToString().Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var check = ConfigurationCheck.Run(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(RemediatorOptions.Section),
            ClusterBackends.Shipped().Keys());
        Assert.Empty(check.Errors);
        var options = new RemediatorOptions();
        check.Bind(options);
        return options;
    }
}
