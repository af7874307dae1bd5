using Amazon.S3.Model;
using EtcdRemediator.Snapshots.Offsite;

namespace EtcdRemediator.Tests.Snapshots.Offsite;

/// <summary>What a listing of the bucket says of each cluster's newest copy (the metric, /readyz and the cluster list read it).</summary>
public sealed class OffsiteCatalogTests
{
    private const string Prefix = "etcd-remediator/";
    private static readonly DateTime Night = new(2026, 12, 6, 2, 0, 0, DateTimeKind.Utc);

    private static readonly HashSet<string> Configured = ["lab", "prod"];

    [Fact]
    public void TheNewestCopyIsTheOneWhoseSidecarCameLastNotTheOneWhoseUploadBeganLast()
    {
        var objects = Listing(
            ("lab/a.db.age", 100, Night.AddHours(-24)), ("lab/a.db.age.json", 1, Night.AddHours(-23)),
            // Began earlier, completed later: a multipart object's own time can be when its upload began.
            ("lab/b.db.age", 200, Night.AddHours(-25)), ("lab/b.db.age.json", 1, Night));

        var (cluster, newest) = Assert.Single(OffsiteCatalog.NewestPerCluster(objects, Prefix, Configured));

        Assert.Equal("lab", cluster);
        Assert.Equal(new OffsiteNewest("etcd-remediator/lab/b.db.age", 200, new DateTimeOffset(Night)), newest);
    }

    [Fact]
    public void ObjectsWithoutASidecarDeeperFoldersAndClustersNoLongerConfiguredAreNotCopies()
    {
        var objects = Listing(
            ("lab/by-hand.db", 5, Night),
            ("lab/old/x.db.age", 5, Night), ("lab/old/x.db.age.json", 1, Night),
            ("gone/y.db.age", 5, Night), ("gone/y.db.age.json", 1, Night),
            ("prod/z.db", 7, Night.AddHours(-1)), ("prod/z.db.json", 1, Night.AddHours(-1)));

        var found = OffsiteCatalog.NewestPerCluster(objects, Prefix, Configured).ToList();

        Assert.Equal([("prod", new OffsiteNewest("etcd-remediator/prod/z.db", 7, new DateTimeOffset(Night.AddHours(-1))))], found);
    }

    private static Dictionary<string, S3Object> Listing(params (string Key, long Size, DateTime Modified)[] objects) =>
        objects.ToDictionary(o => Prefix + o.Key, o => new S3Object { Key = Prefix + o.Key, Size = o.Size, LastModified = o.Modified });
}
