namespace EtcdRemediator.Snapshots;

internal static class SnapshotServiceCollectionExtensions
{
    /// <summary>Verified snapshots on local disk (their off-site copies: AddOffsiteSnapshots).</summary>
    public static IServiceCollection AddSnapshots(this IServiceCollection services) => services.AddSingleton<SnapshotStore>();
}
