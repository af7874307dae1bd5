using Polly;
using Polly.Retry;

namespace EtcdRemediator.Etcd;

public static class EtcdServiceCollectionExtensions
{
    public static IServiceCollection AddEtcdClusters(this IServiceCollection services)
    {
        services.AddSingleton<EtcdClusterRegistry>();
        services.AddSingleton<ClusterInspector>();
        services.AddSingleton<Api.QuotaCache>();
        // Idempotent reads only (status, member list, alarms, revision): a member that blinks gets
        // two more tries with jittered backoff. Each attempt carries its own gRPC deadline.
        services.AddResiliencePipeline(ClusterInspector.ReadPipeline, builder => builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => EtcdErrors.IsTransient(e) || e is EtcdClusterUnavailableException),
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        }));
        return services;
    }
}
