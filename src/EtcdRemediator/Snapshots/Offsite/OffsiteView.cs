
namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// A cluster's off-site copies (Snapshots:Offsite): the newest the service knows of (null: none yet), and the bucket's
/// last listing, when and why it failed (null: it answered). Kept in memory and listed every few minutes at most.
/// </summary>
internal sealed record OffsiteView(OffsiteNewest? Newest, DateTimeOffset BucketListedAt, string? BucketError)
{
    public static OffsiteView? From(OffsiteCatalog catalog, BucketLook? look, string cluster) =>
        look is null ? null : new OffsiteView(catalog.NewestOf(cluster), look.At, look.Error);
}
