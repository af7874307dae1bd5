using EtcdRemediator.Etcd.Channels;
using EtcdRemediator.Startup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
            ["Remediator:Clusters:0:Endpoints:0"] = "https://127.0.0.1:2379",
            ["Remediator:Clusters:0:Endpoints:1"] = "https://127.0.0.2:2379/",
            ["Remediator:Policy:Cooldown"] = "00:05:00",
            ["Remediator:Policy:Compact"] = "Always",
        });

        var cluster = Assert.Single(options.Clusters);
        Assert.Equal("prod", cluster.Name);
        Assert.Equal(2, cluster.Endpoints.Count);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Policy.Cooldown);
        Assert.Equal(EtcdRemediator.Configuration.CompactMode.Always, options.Policy.Compact);
        Assert.Empty(RemediatorOptionsValidator.Collect(options));
    }

    public static TheoryData<string, string?, string> BadValues => new()
    {
        { "Remediator:Clusters:0:Endpoints:0", "ftp://127.0.0.1:2379", "Remediator:Clusters:0:Endpoints:0" },
        { "Remediator:Clusters:0:Endpoints:0", "127.0.0.1:2379", "Remediator:Clusters:0:Endpoints:0" },
        { "Remediator:Clusters:0:Name", "bad name!", "Remediator:Clusters:0:Name" },
        { "Remediator:Clusters:0:QuotaBackendBytes", "0", "Remediator:Clusters:0:QuotaBackendBytes" },
        // Once a stack overflow (the process died) instead of this exit 2.
        { "Remediator:Clusters:0:DefragRule", new string('(', 30_000) + "dbSize > 0" + new string(')', 30_000), "Remediator:Clusters:0:DefragRule" },
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
        { "Remediator:Alerts:RequireLabels:namespace", "kube-system(", "Remediator:Alerts:RequireLabels:namespace" },
        { "Remediator:Auth:OperatorTokensFile", "/nonexistent/tokens", "Remediator:Auth:OperatorTokensFile" },
        { "Remediator:Clusters:0:Username", "root", "Remediator:Clusters:0:Password" },
        { "Remediator:Clusters:0:PasswordFile", "/nonexistent/password", "Remediator:Clusters:0:PasswordFile" },
        { "Remediator:Clusters:0:Schedules:0:Cron", "61 3 * * 0", "Remediator:Clusters:0:Schedules:0:Cron" },
        { "Remediator:Clusters:0:Schedules:0:Cron", "0 3 * *", "Remediator:Clusters:0:Schedules:0:Cron" },
        { "Remediator:Clusters:0:Schedules:0:Cron", "0 0 30 2 *", "Remediator:Clusters:0:Schedules:0:Cron" },
        { "Remediator:Clusters:0:Schedules:0:Action", "reboot", "Remediator:Clusters:0:Schedules:0:Action" },
        { "Remediator:Clusters:0:Schedules:0:TimeZone", "Mars/Olympus_Mons", "Remediator:Clusters:0:Schedules:0:TimeZone" },
        { "Remediator:Clusters:0:MaintenanceWindows:0:Cron", "0 2 * * *", "Remediator:Clusters:0:MaintenanceWindows:0:Duration" },
        { "Remediator:Clusters:0:MaintenanceWindows:0:TimeZone", "Europe/Nowhere", "Remediator:Clusters:0:MaintenanceWindows:0:TimeZone" },
        { "Remediator:Watch:Interval", "500ms", "Remediator:Watch:Interval" },
        { "Remediator:Watch:Remediate", "true", "Remediator:Watch:Remediate" },
        { "Remediator:Scheduling:Jitter", "-00:00:01", "Remediator:Scheduling:Jitter" },
    };

    [Fact]
    public void SchedulesWindowsAndTheWatchBindFromTheirDocumentedKeys()
    {
        var options = Load(new()
        {
            ["Remediator:Clusters:0:Name"] = "prod",
            ["Remediator:Clusters:0:Endpoints:0"] = "http://127.0.0.1:2379",
            ["Remediator:Clusters:0:Schedules:0:Action"] = "snapshot",
            ["Remediator:Clusters:0:Schedules:0:Cron"] = "0 2 * * *",
            ["Remediator:Clusters:0:Schedules:1:Action"] = "defrag",
            ["Remediator:Clusters:0:Schedules:1:Cron"] = "0 0 3 * * 0",
            ["Remediator:Clusters:0:Schedules:1:TimeZone"] = "Europe/Berlin",
            ["Remediator:Clusters:0:MaintenanceWindows:0:Cron"] = "0 1 * * 6",
            ["Remediator:Clusters:0:MaintenanceWindows:0:Duration"] = "4h",
            ["Remediator:Watch:Interval"] = "5m",
            ["Remediator:Watch:Remediate"] = "true",
        });

        var cluster = Assert.Single(options.Clusters);
        Assert.Equal(["snapshot", "defrag"], cluster.Schedules.Select(s => s.Action));
        Assert.Equal("UTC", cluster.Schedules[0].TimeZone);
        Assert.Equal("Europe/Berlin", cluster.Schedules[1].TimeZone);
        Assert.Equal(TimeSpan.FromHours(4), Assert.Single(cluster.MaintenanceWindows).Duration);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Watch.Interval);
        Assert.True(options.Watch.Remediate);
        Assert.Empty(RemediatorOptionsValidator.Collect(options));
    }

    /// <summary>The check asks the registered backends, not a list of its own: a build without one says so.</summary>
    [Fact]
    public void EachBackendChecksItsOwnSettingsAndAnUnregisteredOneIsNamed()
    {
        var talos = new RemediatorOptions { Clusters = [new ClusterOptions { Name = "t", Backend = "Talos" }] };
        var etcd = new RemediatorOptions { Clusters = [new ClusterOptions { Name = "e", Endpoints = ["ftp://x"] }] };

        var unregistered = RemediatorOptionsValidator.Collect(talos, backends: [new EtcdRemediator.Etcd.V3.EtcdV3Backend()]).ToList();
        var etcdErrors = RemediatorOptionsValidator.Collect(etcd, backends: [new EtcdRemediator.Etcd.V3.EtcdV3Backend()]).ToList();

        Assert.Equal(["Remediator:Clusters:0:Backend: 'Talos' is not available in this build; use one of Etcd."], unregistered);
        Assert.Contains(etcdErrors, e => e.StartsWith("Remediator:Clusters:0:Endpoints:0: 'ftp://x'", StringComparison.Ordinal));
    }

    [Fact]
    public void TheWatchIsOffUnlessAnIntervalIsGiven()
    {
        var options = Load([]);

        Assert.Null(options.Watch.Interval);
        Assert.False(options.Watch.Remediate);
    }

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

    /// <summary>
    /// Configuration that once started the service against the default local cluster, or read a
    /// duration wrongly, with nothing said: each must now stop start-up naming the key and the value.
    /// </summary>
    public static TheoryData<string, string, string> Refused => new()
    {
        { "Remediator:Clusters:0:Backend", "Kubeadm", "Remediator:Clusters:0:Backend: 'Kubeadm' is not one of Etcd, Talos." },
        { "Remediator:Clusters:0:QuotaBackendBytes", "8 gigs", "Remediator:Clusters:0:QuotaBackendBytes: '8 gigs' is not a size" },
        { "Remediator:Policy:RequestTimeout", "10", "Remediator:Policy:RequestTimeout: '10' is not a duration: write a duration such as 10s, 30m" },
        { "Remediator:Policy:Cooldown", "half an hour", "Remediator:Policy:Cooldown: 'half an hour' is not a duration" },
        // Past TimeSpan's range (a crash at start-up once), and within it but far past any sensible value (every call failed once).
        { "Remediator:Policy:Cooldown", "106751991167300d", "Remediator:Policy:Cooldown: '106751991167300d' is not a duration" },
        { "Remediator:Policy:Cooldown", "3000000d", "Remediator:Policy:Cooldown: '3000000d' is longer than the largest duration allowed, 366d." },
        { "Remediator:Watch:Interval", "9999999:00:00", "Remediator:Watch:Interval: '9999999:00:00' is longer than the largest duration allowed, 366d." },
        // An empty Secret key or variable must not switch the service to its tokenless mode.
        { "Remediator:Auth:OperatorTokens:0", "", "Remediator:Auth:OperatorTokens:0: is empty" },
        { "Remediator:Auth:WebhookTokens:0", "change-me-webhook-token", "Remediator:Auth:WebhookTokens:0: is the placeholder from the repository" },
        { "Remediator:Policy:MoveLeader", "yes", "Remediator:Policy:MoveLeader: 'yes' is not true or false." },
        { "Remediator:Polcy:Cooldown", "30m", "Remediator:Polcy:Cooldown: is not a setting; did you mean Remediator:Policy:Cooldown?" },
        { "Remediator:Clusters:0:Endpoint", "http://127.0.0.1:2379", "Remediator:Clusters:0:Endpoint: is not a setting; did you mean Remediator:Clusters:0:Endpoints:0?" },
        { "Remediator:Snapshots:Retian", "3", "Remediator:Snapshots:Retian: is not a setting; did you mean Remediator:Snapshots:Retain?" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void AValueThatDoesNotBindStopsStartUpNamingTheKeyAndTheValue(string key, string value, string message)
    {
        var errors = Errors(new() { ["Remediator:Clusters:0:Name"] = "prod", ["Remediator:Clusters:0:Endpoints:0"] = "https://192.0.2.1:2379", [key] = value });

        Assert.Contains(errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Remediator:Policy:Cooldown", "30m", "00:30:00")]
    [InlineData("Remediator:Policy:Cooldown", "1h30m", "01:30:00")]
    [InlineData("Remediator:Policy:RequestTimeout", "10s", "00:00:10")]
    [InlineData("Remediator:Policy:DefragTimeout", "00:10:00", "00:10:00")]
    [InlineData("Remediator:Policy:PauseBetweenMembers", "500ms", "00:00:00.5000000")]
    public void DurationsAreReadAsOperatorsWriteThem(string key, string value, string expected)
    {
        var options = Load(new() { [key] = value });
        var policy = options.Policy;
        var actual = key.Split(':')[^1] switch
        {
            "Cooldown" => policy.Cooldown,
            "RequestTimeout" => policy.RequestTimeout,
            "DefragTimeout" => policy.DefragTimeout,
            _ => policy.PauseBetweenMembers,
        };

        Assert.Equal(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), actual);
    }

    [Theory]
    [InlineData("8Gi", 8L << 30)]
    [InlineData("200MiB", 200L << 20)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("16777216", 16777216L)]
    public void SizesAreReadAsOperatorsWriteThem(string value, long bytes) =>
        Assert.Equal(bytes, Load(new() { ["Remediator:Clusters:0:Endpoints:0"] = "http://127.0.0.1:2379", ["Remediator:Clusters:0:QuotaBackendBytes"] = value }).Clusters[0].QuotaBackendBytes);

    [Fact]
    public void AClusterWithEndpointsButNoNameIsLocalAsTheReadmeSays()
    {
        var options = Load(new() { ["Remediator:Clusters:0:Endpoints:0"] = "http://127.0.0.1:2379" });

        Assert.Equal("local", Assert.Single(options.Clusters).Name);
    }

    [Fact]
    public void OneBadClusterValueNeverDropsTheOthersSilently()
    {
        var errors = Errors(new()
        {
            ["Remediator:Clusters:0:Name"] = "a",
            ["Remediator:Clusters:0:Endpoints:0"] = "http://127.0.0.1:2379",
            ["Remediator:Clusters:1:Name"] = "b",
            ["Remediator:Clusters:1:Endpoints:0"] = "http://127.0.0.1:2380",
            ["Remediator:Clusters:1:Backend"] = "Kubeadm",
        });

        Assert.Equal(["Remediator:Clusters:1:Backend: 'Kubeadm' is not one of Etcd, Talos."], errors);
    }

    [Fact]
    public void RoutesTakeAnyAlertNameAsTheirKey() =>
        Assert.Equal("recover", Load(new() { ["Remediator:Alerts:Routes:MyCustomNoSpace"] = "recover" }).Alerts.Routes["MyCustomNoSpace"]);
}
