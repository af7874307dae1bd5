using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3.Model;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// Ceph's RADOS Gateway (Debian bookworm's radosgw over one monitor and one memstore OSD, on loopback), started once per
/// test run by scripts/lib/radosgw.sh: scripts/test.sh starts it in the background while it builds and exports
/// ETCDREM_TEST_RADOSGW_DIR, whose <c>ready</c> (or <c>failed</c>) file this waits for; without it (dotnet test by hand) the
/// first test to ask starts one with the same script and stops it when the test host exits. Never skipped: a gateway that
/// does not start fails the tests that need it, with its start log. Each test gets a fresh bucket, emptied and removed
/// on dispose (memstore holds the data in memory).
/// </summary>
public sealed class RadosGateway
{
    private static readonly Lazy<Task<RadosGateway>> Shared = new(FindOrStartAsync);
    private static readonly string Script = RepoFiles.Path("scripts", "lib", "radosgw.sh");

    private RadosGateway(string url, string accessKey, string secretKey)
    {
        Url = url;
        AccessKey = accessKey;
        SecretKey = secretKey;
    }

    public string Url { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }

    /// <summary>A new, empty bucket on the run's gateway.</summary>
    public static async Task<TestBucket> NewBucketAsync()
    {
        var gateway = await Shared.Value;
        var bucket = new RgwBucket(gateway, $"t-{Guid.NewGuid():N}");
        using var client = bucket.Client();
        await client.PutBucketAsync(bucket.Bucket);
        return bucket;
    }

    private static async Task<RadosGateway> FindOrStartAsync()
    {
        var dir = Environment.GetEnvironmentVariable("ETCDREM_TEST_RADOSGW_DIR");
        if (string.IsNullOrEmpty(dir))
        {
            if (Environment.GetEnvironmentVariable("ETCDREM_TEST_RADOSGW") is { Length: > 0 } url)
                return new RadosGateway(url, Required("ETCDREM_TEST_RADOSGW_ACCESS_KEY"), Required("ETCDREM_TEST_RADOSGW_SECRET_KEY"));
            dir = await StartOwnAsync();
        }
        // scripts/test.sh started it in the background: up to 3 minutes for its build-time start to finish.
        var state = await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(dir, "ready")) ? "ready"
                : File.Exists(Path.Combine(dir, "failed")) ? "failed" : null),
            s => s is not null, TimeSpan.FromMinutes(3), $"radosgw in {dir} to start (scripts/lib/radosgw.sh)");
        if (state == "failed")
        {
            var log = await File.ReadAllTextAsync(Path.Combine(dir, "start.log"));
            throw new InvalidOperationException($"radosgw did not start (scripts/lib/radosgw.sh):\n{log}");
        }
        var env = (await File.ReadAllLinesAsync(Path.Combine(dir, "env"))).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return new RadosGateway(env["ETCDREM_TEST_RADOSGW"], env["ETCDREM_TEST_RADOSGW_ACCESS_KEY"], env["ETCDREM_TEST_RADOSGW_SECRET_KEY"]);
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
        : throw new InvalidOperationException($"ETCDREM_TEST_RADOSGW is set but {name} is not");

    /// <summary>No gateway from scripts/test.sh: this test host starts one with the same script and stops it as it exits.</summary>
    private static async Task<string> StartOwnAsync()
    {
        if (!Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "radosgw"))))
            throw new InvalidOperationException("radosgw is not installed, and the off-site tests run against it: run scripts/test.sh, or "
                + "apt-get install ceph-mon ceph-osd radosgw ceph-common (Debian bookworm), or set ETCDREM_TEST_RADOSGW_DIR");
        var dir = Path.Combine(Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "radosgw-").FullName, "gw");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(dir);
        var (code, said) = await Tools.RunInAsync(RepoFiles.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(3),
            "bash", "-c", "source \"$0\" && radosgw_start \"$1\"", Script, dir);
        if (code != 0 && !File.Exists(Path.Combine(dir, "failed")))
            throw new InvalidOperationException($"scripts/lib/radosgw.sh exited {code}: {said}");
        return dir;
    }

    /// <summary>
    /// SIGKILL to every daemon the script listed, all at once and before anything else: the test host has little time left
    /// once it exits (the runner ends it soon after the last test). Then the directory, if the time allows.
    /// </summary>
    private static void Stop(string dir)
    {
        var pids = Path.Combine(dir, "pids");
        foreach (var line in File.Exists(pids) ? File.ReadAllLines(pids) : [])
        {
            try
            {
                using var daemon = Process.GetProcessById(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture));
                daemon.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            {
                // Already gone.
            }
        }
        try { Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true); }
        catch (IOException) { }
    }

    private sealed class RgwBucket(RadosGateway gateway, string name) : TestBucket
    {
        private readonly string _keys = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "rgw-keys-").FullName;

        public override string Url => gateway.Url;
        public override string Bucket => name;
        public override string AccessKey => gateway.AccessKey;
        public override string SecretKey => gateway.SecretKey;
        protected override string KeyDirectory => _keys;

        /// <summary>
        /// RGW, like AWS, gives a multipart object the ETag "md5(md5(part 1) .. md5(part N))-N": N, checked against the
        /// object's own bytes cut at the service's part size, so that the count is the parts the server joined.
        /// </summary>
#pragma warning disable CA5351 // MD5 is what S3's ETag is made of, not a protection here
        public override async Task<int> PartsOfAsync(string key)
        {
            using var client = Client();
            using var answer = await client.GetObjectAsync(Bucket, key);
            var etag = answer.ETag.Trim('"');
            var dash = etag.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0) return 1;
            var parts = int.Parse(etag[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            using var md5s = new MemoryStream();
            var buffer = new byte[EtcdRemediator.Snapshots.Offsite.MultipartUploadStream.DefaultPartSize];
            int read;
            while ((read = await answer.ResponseStream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
                md5s.Write(MD5.HashData(buffer.AsSpan(0, read)));
            var computed = $"{Convert.ToHexStringLower(MD5.HashData(md5s.ToArray()))}-{md5s.Length / 16}";
            if (computed != etag) throw new InvalidOperationException($"{key}: ETag {etag}, but its bytes cut in parts give {computed}");
            return parts;
        }
#pragma warning restore CA5351

        public override async ValueTask DisposeAsync()
        {
            try
            {
                using var client = Client();
                foreach (var upload in (await client.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? [])
                    await client.AbortMultipartUploadAsync(Bucket, upload.Key, upload.UploadId);
                ListObjectsV2Response page;
                var request = new ListObjectsV2Request { BucketName = Bucket };
                do
                {
                    page = await client.ListObjectsV2Async(request);
                    foreach (var item in page.S3Objects ?? []) await client.DeleteObjectAsync(Bucket, item.Key);
                    request.ContinuationToken = page.NextContinuationToken;
                } while (page.IsTruncated == true);
                await client.DeleteBucketAsync(Bucket);
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
            {
                // The gateway's memory, not the test's outcome: a bucket left behind goes with the gateway at the run's end.
            }
            Directory.Delete(_keys, recursive: true);
        }
    }
}
