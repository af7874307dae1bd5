namespace EtcdRemediator.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>The one SQLite file every feature's store writes to, and its retention.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddSingleton<RemediatorDatabase>();
        services.AddHostedService<StoreOpener>(); // first: everything after it reads the store
        services.AddSingleton<StoreRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreRetention>());
        return services;
    }
}
