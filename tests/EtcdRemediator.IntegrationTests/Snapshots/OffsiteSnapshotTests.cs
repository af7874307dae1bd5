using System.Security.Cryptography;
using Amazon.S3.Model;

namespace EtcdRemediator.IntegrationTests.Snapshots;

/// <summary>
/// The off-site copy against real parts: etcd's snapshot, two S3 servers as the bucket (npm's s3rver and Ceph's RADOS
/// Gateway: <see cref="TestBucket"/>), Debian's `age` decrypting what the service wrote, etcdutl reading the result.
/// </summary>
public sealed class OffsiteSnapshotTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _keys = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "age-").FullName;
    private string _identity = "";
    private string _recipient = "";

    public async Task InitializeAsync()
    {
        _identity = Path.Combine(_keys, "key.txt");
        var (code, said) = await Tools.RunAsync("age-keygen", "-o", _identity);
        Assert.True(code == 0, said);
        _recipient = (await Tools.RunAsync("age-keygen", "-y", _identity)).Output.Trim();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_keys, recursive: true);
        return Task.CompletedTask;
    }

    private void Encrypted(Dictionary<string, string?> settings) => settings["Remediator:Snapshots:Offsite:AgeRecipients:0"] = _recipient;

    /// <summary>Off-site copies to the test's bucket, encrypted to the test's age key.</summary>
    private void EncryptedTo(TestBucket s3, Dictionary<string, string?> settings)
    {
        s3.Configure(settings);
        Encrypted(settings);
    }

    /// <summary>A snapshot run to its end, its steps in the test's output; it must have succeeded.</summary>
    private async Task<RunRecord> SucceededSnapshotAsync(LabScenario lab)
    {
        var run = await lab.Client.RunToEndAsync("lab", "snapshot");
        output.WriteLine($"run {run.Status}: {run.Reason}; {string.Join("; ", run.Steps.Select(s => $"{s.Name}: {s.Detail}"))}");
        Assert.Equal(RunStatus.Succeeded, run.Status);
        return run;
    }

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
        Assert.Equal([_recipient], root.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(run.Id, root.GetProperty("runId").GetString());
        Assert.Equal("lab", root.GetProperty("cluster").GetString());

        var status = await SnapshotStatusAsync(decrypted);
        Assert.True(status.ExitCode == 0, status.Output);
        output.WriteLine(status.Output);
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
            output.WriteLine(offsite.ToString());
            Assert.Equal(JsonValueKind.Null, offsite.GetProperty("bucketError").ValueKind);
            Assert.Equal(key, offsite.GetProperty("newest").GetProperty("object").GetString());
            Assert.Equal(stored.ContentLength, offsite.GetProperty("newest").GetProperty("bytes").GetInt64());
            var ready = await second.Client.GetStringAsync("/readyz");
            output.WriteLine(ready);
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
        output.WriteLine(string.Join("\n", keys));
        var newest = $"etcd-remediator/lab/{Path.GetFileName(second.Snapshot!.Path)}.age";
        Assert.Equal(["etcd-remediator/lab/by-hand.db", newest, newest + ".json"], keys.Order(StringComparer.Ordinal));
        Assert.Contains("1 older copies removed", second.Steps.Single(s => s.Name == "snapshot").Detail);
    }

    /// <summary>
    /// A key the server refuses: the snapshot run fails with the server's status and S3 error code, naming the bucket, and
    /// nothing is left in the bucket (the aborted multipart upload included). RGW checks SigV4, so a wrong secret is
    /// refused (403 SignatureDoesNotMatch); s3rver 3.7 does not compute SigV4 signatures at all (it takes any secret) but
    /// knows its access key id, so there a wrong id is refused (403 InvalidAccessKeyId).
    /// </summary>
    [Theory]
    [InlineData(TestBucket.Radosgw, "secret", "403 SignatureDoesNotMatch")]
    [InlineData(TestBucket.S3rver, "access key id", "403 InvalidAccessKeyId")]
    public async Task WithAKeyTheServerRefusesTheSnapshotRunFailsWithTheServersErrorCode(string server, string wrong, string refusal)
    {
        await using var s3 = await TestBucket.NewAsync(server);
        await using var lab = await LabScenario.StartAsync(configure: s =>
        {
            if (wrong == "secret") s3.Configure(s, secret: "not-" + s3.SecretKey);
            else s3.Configure(s, accessKey: "NOT" + s3.AccessKey);
            Encrypted(s);
        });

        var run = await lab.Client.RunToEndAsync("lab", "snapshot");
        output.WriteLine($"run {run.Status}: {run.Reason}");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(StepOutcome.Failed, run.Steps.Single(s => s.Name == "snapshot").Outcome);
        Assert.Contains($"bucket '{s3.Bucket}' at {s3.Url}", run.Reason);
        Assert.Contains(refusal, run.Reason);
        using var client = s3.Client();
        Assert.Empty((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = s3.Bucket })).S3Objects ?? []);
        // s3rver does not implement listing uploads (501 NotImplemented).
        if (server == TestBucket.Radosgw) Assert.Empty((await client.ListMultipartUploadsAsync(s3.Bucket)).MultipartUploads ?? []);
    }

    /// <summary>
    /// Why the service's client computes checksums only when an operation requires them and sends plain part bodies
    /// (Snapshots/Offsite/OffsiteClient.cs, MultipartUploadStream.cs): the SDK's defaults (a CRC32 in an aws-chunked
    /// trailer) are refused by Ceph Pacific's gateway (400 XAmzContentSHA256Mismatch); the same part sent as the service
    /// sends it goes up. The second server is what shows that the setting matters.
    /// </summary>
    [Fact]
    public async Task TheRadosGatewayRefusesTheSdksDefaultChecksumTrailerAndTakesThePartAsTheServiceSendsIt()
    {
        await using var s3 = await TestBucket.NewAsync(TestBucket.Radosgw);
        var part = new byte[1 << 20];
        Random.Shared.NextBytes(part);
        async Task<Exception?> UploadAsync(bool asTheServiceDoes)
        {
            var config = new Amazon.S3.AmazonS3Config { ServiceURL = s3.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" };
            if (asTheServiceDoes) config.RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED;
            using var client = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(s3.AccessKey, s3.SecretKey), config);
            var upload = await client.InitiateMultipartUploadAsync(s3.Bucket, $"part-{asTheServiceDoes}");
            try
            {
                var request = new UploadPartRequest
                {
                    BucketName = s3.Bucket, Key = upload.Key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(part),
                };
                if (asTheServiceDoes)
                {
                    request.PartSize = part.Length;
                    request.UseChunkEncoding = false;
                }
                await client.UploadPartAsync(request);
                return null;
            }
            catch (Amazon.S3.AmazonS3Exception e)
            {
                return e;
            }
            finally
            {
                await client.AbortMultipartUploadAsync(s3.Bucket, upload.Key, upload.UploadId);
            }
        }

        var byDefault = await UploadAsync(asTheServiceDoes: false);
        var asTheService = await UploadAsync(asTheServiceDoes: true);

        var refused = byDefault as Amazon.S3.AmazonS3Exception;
        output.WriteLine($"SDK defaults: {refused?.StatusCode} {refused?.ErrorCode}");
        Assert.Equal("XAmzContentSHA256Mismatch", refused?.ErrorCode);
        Assert.Null(asTheService);
    }

    /// <summary>Snapshots:Required=false lets a defrag go on without its snapshot; a snapshot run exists for its copy.</summary>
    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task ASnapshotRunWithTheBucketUnreachableFailsNamingTheEndpointWhateverSnapshotsRequiredSays(string required)
    {
        var nowhere = $"http://127.0.0.1:{FreePorts.Next()}";
        await using var lab = await LabScenario.StartAsync(configure: s =>
        {
            Unreachable(s, nowhere);
            s["Remediator:Snapshots:Required"] = required;
        });

        var run = await lab.Client.RunToEndAsync("lab", "snapshot");
        output.WriteLine($"run {run.Status}: {run.Reason}");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains(nowhere, run.Reason);
        Assert.Equal(StepOutcome.Failed, run.Steps.Single(s => s.Name == "snapshot").Outcome);
    }

    [Fact]
    public async Task ADefragWithTheBucketUnreachableStillDefragmentsAndItsOffsiteStepFails()
    {
        var nowhere = $"http://127.0.0.1:{FreePorts.Next()}";
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 12, configure: s => Unreachable(s, nowhere));

        var run = await lab.Client.RunToEndAsync("lab", "defrag");
        output.WriteLine($"run {run.Status}: {run.Reason}; {string.Join("; ", run.Steps.Select(s => $"{s.Name} {s.Outcome}: {s.Detail}"))}");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(3, run.Steps.Count(s => s.Name == "defragment" && s.Outcome == StepOutcome.Succeeded));
        var offsite = run.Steps.Single(s => s.Name == "offsite");
        Assert.Equal(StepOutcome.Failed, offsite.Outcome);
        Assert.Contains(nowhere, offsite.Detail);

        // Readiness says so, as detail: a bucket out of reach is no reason to stop taking alerts.
        var ready = await lab.Client.GetAsync("/readyz");
        var said = await ready.Content.ReadAsStringAsync();
        output.WriteLine(said);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"offsite-bucket\":{\"status\":\"Degraded\"", said);
        Assert.Contains(nowhere, said);
        using var clusters = JsonDocument.Parse(await lab.Client.GetStringAsync("/api/v1/clusters"));
        var listed = clusters.RootElement[0].GetProperty("offsite");
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("newest").ValueKind);
        Assert.Contains(nowhere, listed.GetProperty("bucketError").GetString());
    }

    private void Unreachable(Dictionary<string, string?> settings, string endpoint)
    {
        settings["Remediator:Snapshots:Offsite:Endpoint"] = endpoint;
        settings["Remediator:Snapshots:Offsite:Bucket"] = "snapshots";
        // Credentials from the environment chain would be looked up first: files make the failure the endpoint's.
        var id = Path.Combine(_keys, "id");
        File.WriteAllText(id, "S3RVER");
        settings["Remediator:Snapshots:Offsite:AccessKeyIdFile"] = id;
        settings["Remediator:Snapshots:Offsite:SecretAccessKeyFile"] = id;
        Encrypted(settings);
    }

    /// <summary>The object as stored, and what Debian's <c>age -d</c> makes of it with the test's identity.</summary>
    private async Task<(string Encrypted, string Decrypted)> DecryptAsync(Amazon.S3.AmazonS3Client client, string bucket, string key)
    {
        var encrypted = Path.Combine(_keys, "copy.age");
        using (var copy = await client.GetObjectAsync(bucket, key))
            await copy.WriteResponseStreamToFileAsync(encrypted, append: false, CancellationToken.None);
        var decrypted = Path.Combine(_keys, "copy.db");
        var (code, said) = await Tools.RunAsync("age", "-d", "-i", _identity, "-o", decrypted, encrypted);
        Assert.True(code == 0, said);
        return (encrypted, decrypted);
    }

    /// <summary>etcdutl where it is installed (3.5+), etcdctl's deprecated form on 3.4.</summary>
    private static Task<(int ExitCode, string Output)> SnapshotStatusAsync(string file) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "etcdutl")))
            ? Tools.RunAsync("etcdutl", "snapshot", "status", file, "-w", "table")
            : Tools.RunAsync("etcdctl", "snapshot", "status", file, "-w", "table");
}
