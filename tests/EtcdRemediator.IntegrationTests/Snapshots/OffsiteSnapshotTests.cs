using System.Security.Cryptography;
using Amazon.S3.Model;

namespace EtcdRemediator.IntegrationTests.Snapshots;

/// <summary>
/// The off-site copy against real parts: etcd's snapshot, two S3 servers as the bucket (npm's s3rver and Ceph's RADOS
/// Gateway: <see cref="TestBucket"/>), Debian's `age` decrypting what the service wrote, etcdutl reading the result.
/// </summary>
[StartsFirst]
public sealed class OffsiteSnapshotTests(Xunit.Abstractions.ITestOutputHelper output) : OffsiteTestBase(output)
{
    [Theory]
    [MemberData(nameof(TestBucket.Servers), MemberType = typeof(TestBucket))]
    public async Task ASnapshotRunLeavesACopyInTheBucketThatAgeDecryptsIntoTheVerifiedSnapshot(string server)
    {
        await using var s3 = await TestBucket.NewAsync(server);
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 2, configure: s => EncryptedTo(s3, s));

        var run = await SucceededSnapshotAsync(lab);

        var local = run.Snapshot!.Path;
        var key = $"etcd-remediator/lab/{Path.GetFileName(local)}.age";
        Assert.Contains(key, run.Steps.Single(s => s.Name == "snapshot").Detail);
        using var client = s3.Client();
        var (encrypted, decrypted) = await DecryptAsync(client, s3.Bucket, key);
        Assert.Equal(await File.ReadAllBytesAsync(local), await File.ReadAllBytesAsync(decrypted));

        using var sidecarObject = await client.GetObjectAsync(s3.Bucket, key + ".json");
        using var sidecar = await JsonDocument.ParseAsync(sidecarObject.ResponseStream);
        var root = sidecar.RootElement;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(decrypted))), root.GetProperty("sha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(encrypted))),
            root.GetProperty("encryptedSha256").GetString());
        Assert.Equal(new FileInfo(decrypted).Length, root.GetProperty("size").GetInt64());
        Assert.Equal([Recipient], root.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(run.Id, root.GetProperty("runId").GetString());
        Assert.Equal("lab", root.GetProperty("cluster").GetString());

        var status = await SnapshotStatusAsync(decrypted);
        Assert.True(status.ExitCode == 0, status.Output);
        Output.WriteLine(status.Output);
    }

    /// <summary>
    /// 20 MB written and deleted: etcd's file, and so its snapshot, keeps the pages; over two 8 MiB parts, each sent
    /// as it fills. s3rver joins a completed upload's parts into one file: its request log counts them; RGW's ETag does.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestBucket.Servers), MemberType = typeof(TestBucket))]
    public async Task ASnapshotLargerThanOnePartGoesUpInSeveralPartsAndAgeDecryptsItIntoTheVerifiedSnapshot(string server)
    {
        await using var s3 = await TestBucket.NewAsync(server, logRequests: true);
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 20, configure: s => EncryptedTo(s3, s));

        var run = await SucceededSnapshotAsync(lab);

        const long part = 8 << 20;
        Assert.True(run.Snapshot!.Bytes > 2 * part, $"a snapshot of {run.Snapshot.Bytes} bytes fits in two parts");
        var key = $"etcd-remediator/lab/{Path.GetFileName(run.Snapshot.Path)}.age";
        using var client = s3.Client();
        var (encrypted, decrypted) = await DecryptAsync(client, s3.Bucket, key);
        var encryptedBytes = new FileInfo(encrypted).Length;
        var parts = await s3.PartsOfAsync(key);
        Assert.Equal((int)((encryptedBytes + part - 1) / part), parts);
        Assert.True(parts >= 3, $"{parts} parts for {encryptedBytes} bytes");
        Assert.Equal(await File.ReadAllBytesAsync(run.Snapshot.Path), await File.ReadAllBytesAsync(decrypted));
    }

    /// <summary>
    /// A new process knows nothing of the copies the last one made: the bucket's listing gives readiness, the cluster
    /// list and the metric (which the shipped alert reads) the newest copy, without an upload of its own.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestBucket.Servers), MemberType = typeof(TestBucket))]
    public async Task AfterARestartTheBucketsListingGivesReadinessTheClusterListAndTheMetricTheNewestCopy(string server)
    {
        await using var s3 = await TestBucket.NewAsync(server);
        await using var cluster = await Etcd.EtcdTestCluster.StartAsync();
        var settings = RemediatorApp.ForCluster(cluster);
        s3.Configure(settings);
        Encrypted(settings);
        string key;
        await using (var first = new RemediatorApp(settings))
        {
            var run = await first.CreateClient().RunToEndAsync("lab", "snapshot");
            Assert.Equal(RunStatus.Succeeded, run.Status);
            key = $"etcd-remediator/lab/{Path.GetFileName(run.Snapshot!.Path)}.age";
        }
        using var s3Client = s3.Client();
        var stored = await s3Client.GetObjectMetadataAsync(s3.Bucket, key);
        var sidecarWritten = (await s3Client.GetObjectMetadataAsync(s3.Bucket, key + ".json")).LastModified!.Value;

        var data = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "restart-").FullName;
        try
        {
            await using var second = await ServiceProcess.StartAsync(data, settings);

            using var clusters = JsonDocument.Parse(await second.Client.GetStringAsync("/api/v1/clusters"));
            var offsite = clusters.RootElement[0].GetProperty("offsite");
            Output.WriteLine(offsite.ToString());
            Assert.Equal(JsonValueKind.Null, offsite.GetProperty("bucketError").ValueKind);
            Assert.Equal(key, offsite.GetProperty("newest").GetProperty("object").GetString());
            Assert.Equal(stored.ContentLength, offsite.GetProperty("newest").GetProperty("bytes").GetInt64());
            var ready = await second.Client.GetStringAsync("/readyz");
            Output.WriteLine(ready);
            Assert.Contains("\"offsite-bucket\":{\"status\":\"Healthy\"", ready);
            Assert.Contains(key, ready);
            var metrics = await second.Client.GetStringAsync("/metrics");
            Assert.Equal(new DateTimeOffset(sidecarWritten).ToUnixTimeSeconds(),
                PrometheusText.Value(metrics, "etcd_remediator_offsite_snapshot_last_success_timestamp_seconds", "cluster=\"lab\""), tolerance: 1);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestBucket.Servers), MemberType = typeof(TestBucket))]
    public async Task TwoCopiesOfTheClusterDifferAndRetentionKeepsTheNewest(string server)
    {
        await using var s3 = await TestBucket.NewAsync(server);
        await using var lab = await LabScenario.StartAsync(configure: s =>
        {
            EncryptedTo(s3, s);
            s["Remediator:Snapshots:Offsite:Keep"] = "1";
        });
        using var client = s3.Client();
        // Not ours: retention leaves it, however old.
        await client.PutObjectAsync(new PutObjectRequest { BucketName = s3.Bucket, Key = "etcd-remediator/lab/by-hand.db", ContentBody = "x" });

        var first = await lab.Client.RunToEndAsync("lab", "snapshot");
        var second = await lab.Client.RunToEndAsync("lab", "snapshot");

        Assert.Equal(RunStatus.Succeeded, first.Status);
        Assert.Equal(RunStatus.Succeeded, second.Status);
        var keys = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = s3.Bucket })).S3Objects.Select(o => o.Key).ToList();
        Output.WriteLine(string.Join("\n", keys));
        var newest = $"etcd-remediator/lab/{Path.GetFileName(second.Snapshot!.Path)}.age";
        Assert.Equal(["etcd-remediator/lab/by-hand.db", newest, newest + ".json"], keys.Order(StringComparer.Ordinal));
        Assert.Contains("1 older copies removed", second.Steps.Single(s => s.Name == "snapshot").Detail);
    }
}
