using Amazon.Runtime;
using Amazon.S3;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// A real S3 server: s3rver (npm, installed under tests/s3 by scripts/test.sh) on a free loopback port with its data in
/// a temporary directory, one bucket, SigV4 checked against its fixed key pair. Killed, and its directory removed, on dispose.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    private const string Key = "S3RVER"; // s3rver's own access key and secret; it refuses any other signature

    private readonly ManagedProcess _process;

    private S3Server(ManagedProcess process, string directory, string bucket)
    {
        _process = process;
        Directory = directory;
        Bucket = bucket;
    }

    public string Url => _process.Url;
    public string Bucket { get; }
    public string Directory { get; }

    /// <param name="logRequests">s3rver logs each request it answered (method, path and query): what <see cref="PartsOf"/>
    /// counts, since s3rver joins the parts of a completed upload into one file and forgets them.</param>
    public static async Task<S3Server> StartAsync(string bucket = "snapshots", bool logRequests = false)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "s3-").FullName;
        var port = FreePorts.Next();
        var server = RepoFiles.Path("tests", "s3", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(server)) throw new InvalidOperationException($"{server} is missing: run `npm ci --prefix tests/s3` (scripts/test.sh does)");
        var data = System.IO.Directory.CreateDirectory(Path.Combine(directory, "data")).FullName;
        var info = new ProcessStartInfo("node", [server, "-d", data, "-a", "127.0.0.1", "-p", $"{port}", .. logRequests ? [] : (string[])["--silent"],
            "--no-vhost-buckets", "--configure-bucket", bucket]);
        var process = await ManagedProcess.StartAsync(info, $"http://127.0.0.1:{port}", "/", _ => true, "s3rver", ownedDirectory: directory);
        return new S3Server(process, directory, bucket);
    }

    /// <summary>The service's settings for this server: endpoint, bucket, and the key pair as files (as a Secret mounts them).</summary>
    public void Configure(IDictionary<string, string?> settings)
    {
        var id = Path.Combine(Directory, "access-key-id");
        var secret = Path.Combine(Directory, "secret-access-key");
        File.WriteAllText(id, Key + "\n");
        File.WriteAllText(secret, Key + "\n");
        settings["Remediator:Snapshots:Offsite:Endpoint"] = Url;
        settings["Remediator:Snapshots:Offsite:Bucket"] = Bucket;
        settings["Remediator:Snapshots:Offsite:AccessKeyIdFile"] = id;
        settings["Remediator:Snapshots:Offsite:SecretAccessKeyFile"] = secret;
    }

    /// <summary>The parts uploaded for <paramref name="key"/>, as s3rver logged them (started with <c>logRequests</c>). Its log
    /// line starts 16 characters into koa-logger's (method and bucket cut off): the key and the query remain.</summary>
    public int PartsOf(string key) =>
        _process.Output.Split('\n').Count(line => line.Contains($"{key}?", StringComparison.Ordinal)
            && line.Contains("partNumber=", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal));

    /// <summary>A client of the test's own, to look at what the service stored.</summary>
    public AmazonS3Client Client() => new(new BasicAWSCredentials(Key, Key), new AmazonS3Config
    {
        ServiceURL = Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
