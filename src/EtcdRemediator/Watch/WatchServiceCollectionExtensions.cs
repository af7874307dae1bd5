namespace EtcdRemediator.Watch;

internal static class WatchServiceCollectionExtensions
{
    /// <summary>The service's own look at every cluster (Watch:Interval): its readings, its rule, and their gauges.</summary>
    public static IServiceCollection AddWatch(this IServiceCollection services)
    {
        services.AddSingleton<WatchReadings>();
        services.AddHostedService<FragmentationWatch>();
        services.AddHostedService<WatchMetrics>();
        services.AddHostedService<AdvisoryMetrics>();
        return services;
    }
}
