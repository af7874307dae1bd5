using EtcdRemediator.Etcd;
using Polly;
using Polly.Retry;

namespace EtcdRemediator.Clusters;

internal static class ClusterServiceCollectionExtensions
{
    public static IServiceCollection AddEtcdClusters(this IServiceCollection services)
    {
        services.AddShippedBackends();
        services.AddSingleton<EtcdClusterRegistry>();
        services.AddSingleton<ClusterClaims>();
        services.AddSingleton<ClusterInspector>();
        services.AddSingleton<EtcdClustersHealthCheck>(); // one instance: its answer is kept a few seconds
        services.AddHealthChecks().AddCheck<EtcdClustersHealthCheck>("etcd-clusters", tags: ["ready"]);
        // Idempotent reads only (status, member list, alarms, revision): a member that blinks gets
        // two more tries with jittered backoff. Each attempt carries its own gRPC deadline.
        // A retry is one plain line with its cause (Polly's own per-attempt lines, with stack traces,
        // are silenced in appsettings.json); a final failure is reported once, by whoever decides on it.
        services.AddResiliencePipeline(ClusterInspector.ReadPipeline, (builder, context) =>
        {
            var logger = context.ServiceProvider.GetRequiredService<ILogger<ClusterInspector>>();
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => EtcdErrors.IsTransient(e) || e is EtcdClusterUnavailableException),
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } e)
                        logger.LogInformation("Read from etcd failed ({Cause}); try {Attempt} of 3 in {Delay} ms", EtcdErrors.Describe(e),
                            args.AttemptNumber + 2, (int)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        });
        return services;
    }
}
