using Amazon.Runtime;
using Amazon.S3;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// A bucket on a real S3 server, one of two implementations so that no one server's tolerance hides a client's habit
/// (the SDK's aws-chunked checksum trailers, say): <see cref="S3Server"/> (npm's s3rver, one per test) and
/// <see cref="RadosGateway"/> (Ceph's RADOS Gateway from Debian, one per test run, a fresh bucket per test).
/// </summary>
public abstract class TestBucket : IAsyncDisposable
{
    /// <summary>The servers, as theory data: every off-site test that can fail on one server's dialect runs on both.</summary>
    public static IEnumerable<object[]> Servers => [[S3rver], [Radosgw]];

    public const string S3rver = "s3rver";
    public const string Radosgw = "radosgw";

    /// <param name="logRequests">s3rver only: its request log counts parts (<see cref="PartsOfAsync"/>).</param>
    public static async Task<TestBucket> NewAsync(string server, bool logRequests = false) => server switch
    {
        S3rver => await S3Server.StartAsync(logRequests: logRequests),
        Radosgw => await RadosGateway.NewBucketAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(server), server, "s3rver or radosgw"),
    };

    public abstract string Url { get; }
    public abstract string Bucket { get; }
    public abstract string AccessKey { get; }
    public abstract string SecretKey { get; }

    /// <summary>A directory of the test's own for the key files.</summary>
    protected abstract string KeyDirectory { get; }

    /// <summary>
    /// The service's settings for this bucket: endpoint, bucket, and the key pair as files (as a Secret mounts them).
    /// <paramref name="accessKey"/> and <paramref name="secret"/> replace the key pair's: a wrong one, for the server to refuse.
    /// </summary>
    public void Configure(IDictionary<string, string?> settings, string? secret = null, string? accessKey = null)
    {
        var id = Path.Combine(KeyDirectory, "access-key-id");
        var secretFile = Path.Combine(KeyDirectory, "secret-access-key");
        File.WriteAllText(id, (accessKey ?? AccessKey) + "\n");
        File.WriteAllText(secretFile, (secret ?? SecretKey) + "\n");
        settings["Remediator:Snapshots:Offsite:Endpoint"] = Url;
        settings["Remediator:Snapshots:Offsite:Bucket"] = Bucket;
        settings["Remediator:Snapshots:Offsite:AccessKeyIdFile"] = id;
        settings["Remediator:Snapshots:Offsite:SecretAccessKeyFile"] = secretFile;
    }

    /// <summary>A client of the test's own, to look at what the service stored: the service's settings (checksums only
    /// when an operation requires them), so that what the test reads back is not hidden by a client of another habit.</summary>
    public AmazonS3Client Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>How many parts the completed multipart upload of <paramref name="key"/> had, as the server knows it.</summary>
    public abstract Task<int> PartsOfAsync(string key);

    public abstract ValueTask DisposeAsync();

    public override string ToString() => $"{GetType().Name} {Url}/{Bucket}";
}
