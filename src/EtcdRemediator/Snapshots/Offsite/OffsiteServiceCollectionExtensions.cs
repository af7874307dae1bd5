namespace EtcdRemediator.Snapshots.Offsite;

internal static class OffsiteServiceCollectionExtensions
{
    public static IServiceCollection AddOffsiteSnapshots(this IServiceCollection services)
    {
        services.AddSingleton<OffsiteUploader>();
        services.AddSingleton<OffsiteCatalog>(); // one instance: it remembers each cluster's newest copy
        services.AddSingleton<OffsiteHealthCheck>();
        services.AddHealthChecks().AddCheck<OffsiteHealthCheck>("offsite-bucket", tags: ["ready"]);
        return services;
    }
}
