using Amazon.S3.Model;

namespace EtcdRemediator.IntegrationTests.Snapshots;

/// <summary>
/// The off-site copy when the bucket says no or is out of reach: the server's own refusal in the run, nothing left behind,
/// and a defrag that still defragments.
/// </summary>
public sealed class OffsiteRefusalTests(Xunit.Abstractions.ITestOutputHelper output) : OffsiteTestBase(output)
{
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
        Output.WriteLine($"run {run.Status}: {run.Reason}");

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
        Output.WriteLine($"SDK defaults: {refused?.StatusCode} {refused?.ErrorCode}");
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
        Output.WriteLine($"run {run.Status}: {run.Reason}");

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
        Output.WriteLine($"run {run.Status}: {run.Reason}; {string.Join("; ", run.Steps.Select(s => $"{s.Name} {s.Outcome}: {s.Detail}"))}");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(3, run.Steps.Count(s => s.Name == "defragment" && s.Outcome == StepOutcome.Succeeded));
        var offsite = run.Steps.Single(s => s.Name == "offsite");
        Assert.Equal(StepOutcome.Failed, offsite.Outcome);
        Assert.Contains(nowhere, offsite.Detail);

        // Readiness says so, as detail: a bucket out of reach is no reason to stop taking alerts.
        var ready = await lab.Client.GetAsync("/readyz");
        var said = await ready.Content.ReadAsStringAsync();
        Output.WriteLine(said);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"offsite-bucket\":{\"status\":\"Degraded\"", said);
        Assert.Contains(nowhere, said);
        using var clusters = JsonDocument.Parse(await lab.Client.GetStringAsync("/api/v1/clusters"));
        var listed = clusters.RootElement[0].GetProperty("offsite");
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("newest").ValueKind);
        Assert.Contains(nowhere, listed.GetProperty("bucketError").GetString());
    }
}
