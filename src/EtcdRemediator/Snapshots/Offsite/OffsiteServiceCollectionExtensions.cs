namespace EtcdRemediator.Snapshots.Offsite;

internal static class OffsiteServiceCollectionExtensions
{
    public static IServiceCollection AddOffsiteSnapshots(this IServiceCollection services) => services.AddSingleton<OffsiteUploader>();
}
