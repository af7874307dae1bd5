namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// A real S3 server: s3rver (npm, installed under tests/s3 by scripts/test.sh) on a free loopback port with its data in
/// a temporary directory, one bucket. It knows one access key id (any other is refused) but, in 3.7, does not compute SigV4
/// signatures: a wrong secret passes here, so signatures are the RADOS Gateway's to check (<see cref="RadosGateway"/>).
/// Killed, and its directory removed, on dispose.
/// </summary>
public sealed class S3Server : TestBucket
{
    private const string Key = "S3RVER"; // s3rver's own access key id and secret

    private readonly ManagedProcess _process;
    private readonly bool _logRequests;

    private S3Server(ManagedProcess process, string directory, string bucket, bool logRequests)
    {
        _process = process;
        _logRequests = logRequests;
        Directory = directory;
        Bucket = bucket;
    }

    public override string Url => _process.Url;
    public override string Bucket { get; }
    public override string AccessKey => Key;
    public override string SecretKey => Key;
    public string Directory { get; }
    protected override string KeyDirectory => Directory;

    /// <param name="logRequests">s3rver logs each request it answered (method, path and query): what <see cref="PartsOfAsync"/>
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
        return new S3Server(process, directory, bucket, logRequests);
    }

    /// <summary>The parts uploaded for <paramref name="key"/>, as s3rver logged them (started with <c>logRequests</c>). Its log
    /// line starts 16 characters into koa-logger's (method and bucket cut off): the key and the query remain.</summary>
    public override Task<int> PartsOfAsync(string key) => !_logRequests
        ? throw new InvalidOperationException("s3rver was started without logRequests: its parts are not counted")
        : Task.FromResult(_process.Output.Split('\n').Count(line => line.Contains($"{key}?", StringComparison.Ordinal)
            && line.Contains("partNumber=", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal)));

    public override ValueTask DisposeAsync() => _process.DisposeAsync();
}
