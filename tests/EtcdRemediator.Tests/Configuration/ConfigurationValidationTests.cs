using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Tests.Configuration;

public sealed class ConfigurationValidationTests
{
    private static RemediatorOptions Load(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRemediatorConfiguration();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<RemediatorOptions>>().Value;
    }

    /// <summary>The failures the real wiring reports (binding, defaults, validator), or none.</summary>
    private static List<string> Errors(Dictionary<string, string?> settings)
    {
        try
        {
            Load(settings);
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
    }

    [Fact]
    public void WithNoConfigurationTheServiceTargetsOneLocalCluster()
    {
        var options = Load([]);

        var cluster = Assert.Single(options.Clusters);
        Assert.Equal("local", cluster.Name);
        Assert.Equal(["http://127.0.0.1:2379"], cluster.Endpoints);
        Assert.Empty(RemediatorOptionsValidator.Collect(options));
    }

    [Fact]
    public void EnvironmentStyleKeysBindClustersAndPolicy()
    {
        var options = Load(new()
        {
            ["Remediator:Clusters:0:Name"] = "prod",
            ["Remediator:Clusters:0:Endpoints:0"] = "https://10.0.0.1:2379",
            ["Remediator:Clusters:0:Endpoints:1"] = "https://10.0.0.2:2379/",
            ["Remediator:Policy:Cooldown"] = "00:05:00",
            ["Remediator:Policy:Compact"] = "Always",
        });

        var cluster = Assert.Single(options.Clusters);
        Assert.Equal("prod", cluster.Name);
        Assert.Equal(2, cluster.Endpoints.Count);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Policy.Cooldown);
        Assert.Equal(EtcdRemediator.Remediation.CompactMode.Always, options.Policy.Compact);
        Assert.Empty(RemediatorOptionsValidator.Collect(options));
    }

    public static TheoryData<string, string?, string> BadValues => new()
    {
        { "Remediator:Clusters:0:Endpoints:0", "ftp://10.0.0.1:2379", "Remediator:Clusters:0:Endpoints:0" },
        { "Remediator:Clusters:0:Endpoints:0", "10.0.0.1:2379", "Remediator:Clusters:0:Endpoints:0" },
        { "Remediator:Clusters:0:Name", "bad name!", "Remediator:Clusters:0:Name" },
        { "Remediator:Clusters:0:QuotaBackendBytes", "0", "Remediator:Clusters:0:QuotaBackendBytes" },
        { "Remediator:Clusters:0:Tls:CaFile", "/nonexistent/ca.crt", "Remediator:Clusters:0:Tls:CaFile" },
        { "Remediator:Clusters:0:Tls:CertFile", "/nonexistent/client.crt", "Remediator:Clusters:0:Tls" },
        { "Remediator:Policy:MinFragmentationRatio", "1.5", "Remediator:Policy:MinFragmentationRatio" },
        { "Remediator:Policy:DisarmBelowQuotaRatio", "0", "Remediator:Policy:DisarmBelowQuotaRatio" },
        { "Remediator:Policy:DefragTimeout", "00:00:00", "Remediator:Policy:DefragTimeout" },
        { "Remediator:Policy:Cooldown", "-00:01:00", "Remediator:Policy:Cooldown" },
        { "Remediator:Policy:CircuitBreakerThreshold", "0", "Remediator:Policy:CircuitBreakerThreshold" },
        { "Remediator:Snapshots:Retain", "0", "Remediator:Snapshots:Retain" },
        { "Remediator:Storage:Path", " ", "Remediator:Storage:Path" },
        { "Remediator:Alerts:Routes:etcdMembersDown", "reboot", "Remediator:Alerts:Routes:etcdMembersDown" },
        { "Remediator:Auth:OperatorTokensFile", "/nonexistent/tokens", "Remediator:Auth:OperatorTokensFile" },
        { "Remediator:Clusters:0:Username", "root", "Remediator:Clusters:0:Password" },
        { "Remediator:Clusters:0:PasswordFile", "/nonexistent/password", "Remediator:Clusters:0:PasswordFile" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void EachBadValueIsReportedWithItsFullKey(string key, string? value, string namedKey)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "prod",
            ["Remediator:Clusters:0:Endpoints:0"] = "http://127.0.0.1:2379",
            [key] = value,
        };

        var errors = Errors(settings);

        Assert.Contains(errors, e => e.StartsWith(namedKey + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoClustersWithOneNameAreRefused()
    {
        var errors = Errors(new()
        {
            ["Remediator:Clusters:0:Name"] = "prod",
            ["Remediator:Clusters:0:Endpoints:0"] = "http://127.0.0.1:2379",
            ["Remediator:Clusters:1:Name"] = "PROD",
            ["Remediator:Clusters:1:Endpoints:0"] = "http://127.0.0.1:2380",
        });

        Assert.Contains(errors, e => e.StartsWith("Remediator:Clusters:1:Name:", StringComparison.Ordinal));
    }

    [Fact]
    public void AClusterWithoutEndpointsIsRefused()
    {
        var errors = Errors(new() { ["Remediator:Clusters:0:Name"] = "prod" });

        Assert.Contains(errors, e => e.StartsWith("Remediator:Clusters:0:Endpoints:", StringComparison.Ordinal));
    }

    [Fact]
    public void StartingWithBadConfigurationFailsAtStartNotAtFirstUse()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Remediator:Policy:MinFragmentationRatio"] = "2" });
        builder.AddRemediatorConfiguration();
        using var host = builder.Build();

        var e = Assert.Throws<OptionsValidationException>(() => host.StartAsync().GetAwaiter().GetResult());
        Assert.Contains(e.Failures, f => f.StartsWith("Remediator:Policy:MinFragmentationRatio", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:2379/", "http://127.0.0.1:2379")]
    [InlineData(" https://etcd-0.example:2379 ", "https://etcd-0.example:2379")]
    public void EndpointsAreComparedWithoutTrailingSlashOrSpace(string given, string expected) =>
        Assert.Equal(expected, EtcdEndpoint.Normalize(given));
}
