using EtcdRemediator.Clusters;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Startup;

internal static class ConfigurationExtensions
{
    /// <summary>The quick-start default: one local cluster, as a fresh `etcd` listens (a new one each time: options are bound into).</summary>
    private static ClusterOptions LocalCluster() => new() { Name = "local", Endpoints = ["http://127.0.0.1:2379"] };

    public static IHostApplicationBuilder AddRemediatorConfiguration(this IHostApplicationBuilder builder)
    {
        // The service's own defaults (quiet framework logs) wherever it is started from: `dotnet run
        // --project` from the repository root makes that the content root, where there is none.
        // Lowest precedence: the content root's file, the environment and the command line override it.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
        });
        // Checked key by key before binding (unknown keys, unreadable values, durations and sizes as
        // operators write them); bound lazily, so that configuration added by a test host counts too.
        builder.Services.AddSingleton(sp => ConfigurationCheck.Run(sp.GetRequiredService<IConfiguration>().GetSection(RemediatorOptions.Section),
            sp.GetServices<IClusterBackend>().Keys()));
        builder.Services.AddOptions<RemediatorOptions>()
            .Configure<ConfigurationCheck>((o, check) => check.Bind(o))
            .PostConfigure(o =>
            {
                if (o.Clusters.Count == 0) o.Clusters.Add(LocalCluster());
            })
            .ValidateOnStart();
        builder.Services.AddShippedBackends(); // each checks its own part of a cluster's settings
        builder.Services.AddSingleton<IValidateOptions<RemediatorOptions>, RemediatorOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddStartExplanations();
        // Kestrel accepts any number of connections by default; a service that two clients use
        // (Alertmanager, an operator) needs few. Kestrel:Limits:* overrides (bound here: Kestrel
        // itself reads only its endpoints from configuration).
        // Headers must arrive within 5 s (Kestrel's default is 30): a client that sends them a line at a
        // time (slowloris) holds its connection that long at most. Bodies: Kestrel's minimum rate (240 B/s
        // after 5 s) stays. Idle connections are bounded per address (Auth:MaxConnectionsPerAddress).
        builder.Services.AddOptions<KestrelLimitsOptions>().Bind(builder.Configuration.GetSection(KestrelLimitsOptions.Section));
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .PostConfigure<IOptions<KestrelLimitsOptions>>((kestrel, configured) =>
            {
                kestrel.Limits.MaxConcurrentConnections = configured.Value.MaxConcurrentConnections ?? MaxConnections;
                kestrel.Limits.RequestHeadersTimeout = configured.Value.RequestHeadersTimeout ?? HeadersTimeout;
                configured.Value.ApplyTo(kestrel.Limits);
            });
        return builder;
    }

    public const long MaxConnections = 512;
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(5);
}
