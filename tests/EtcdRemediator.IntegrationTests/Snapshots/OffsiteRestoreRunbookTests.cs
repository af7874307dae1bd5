using System.Text.RegularExpressions;

namespace EtcdRemediator.IntegrationTests.Snapshots;

/// <summary>
/// docs/runbook.md section 6b, "Restore from the off-site copy": its <c>sh offsite</c> blocks, read from the runbook and
/// run as they are (only the data directory moved into the test's), against the bucket a snapshot run just copied to:
/// Debian's rclone lists and downloads, `age -d` decrypts, `sha256sum -c` checks against the sidecar, etcdutl reads and
/// restores; then etcd starts on the restored data and answers a key written before the snapshot.
/// </summary>
public sealed partial class OffsiteRestoreRunbookTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [GeneratedRegex("```sh offsite\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex OffsiteBlocks();

    private const string DataDirInRunbook = "/var/lib/etcd-restored";

    [Theory]
    [MemberData(nameof(TestBucket.Servers), MemberType = typeof(TestBucket))]
    public async Task TheRunbooksRestoreCommandsTurnTheOffsiteCopyIntoARunningEtcdWithTheClustersData(string server)
    {
        var runbook = await File.ReadAllTextAsync(RepoFiles.Path("docs", "runbook.md"));
        var blocks = OffsiteBlocks().Matches(runbook).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, blocks.Count);
        var script = string.Join("\n", blocks);
        string[] steps = ["rclone lsf", "rclone copy", "age -d -i key.txt", "sha256sum -c", "etcdutl snapshot status", "etcdutl snapshot restore"];
        foreach (var step in steps.Append(DataDirInRunbook))
            Assert.Contains(step, script);

        var work = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "restore-").FullName;
        try
        {
            var identity = Path.Combine(work, "key.txt");
            var recipient = await Tools.NewAgeKeyAsync(identity);
            var marker = $"written before the snapshot {Guid.NewGuid():N}";
            await using var s3 = await TestBucket.NewAsync(server);
            await using var lab = await LabScenario.StartAsync(configure: s =>
            {
                s3.Configure(s);
                s["Remediator:Snapshots:Offsite:AgeRecipients:0"] = recipient;
            });
            await lab.Cluster.PutAsync("restore/marker", marker);
            var run = await lab.Client.RunToEndAsync("lab", "snapshot");
            Assert.Equal(RunStatus.Succeeded, run.Status);
            var copied = $"{Path.GetFileName(run.Snapshot!.Path)}.age";

            var restored = Path.Combine(work, "etcd-restored");
            var peer = $"http://127.0.0.1:{FreePorts.Next()}";
            var (code, said) = await RunAsync(work, "set -euo pipefail\n" + script.Replace(DataDirInRunbook, restored, StringComparison.Ordinal),
                new Dictionary<string, string>
                {
                    ["AWS_ACCESS_KEY_ID"] = s3.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = s3.SecretKey,
                    ["S3_ENDPOINT"] = s3.Url, ["BUCKET"] = s3.Bucket, ["CLUSTER"] = "lab",
                    ["MEMBER"] = "m1", ["PEER_URL"] = peer, ["INITIAL_CLUSTER"] = $"m1={peer}",
                });
            output.WriteLine(said);

            Assert.True(code == 0, said);
            Assert.Contains(copied, said); // rclone lsl listed it
            Assert.Contains("lab.db: OK", said);
            Assert.Equal(await File.ReadAllBytesAsync(run.Snapshot.Path), await File.ReadAllBytesAsync(Path.Combine(work, "lab.db")));
            Assert.True(File.Exists(Path.Combine(work, copied + ".json")), "the sidecar was not downloaded");

            // etcd on the restored data: a new one-member cluster that has the data of the old.
            var client = $"http://127.0.0.1:{FreePorts.Next()}";
            var etcd = Environment.GetEnvironmentVariable("ETCD_BIN") is { Length: > 0 } bin ? bin : "etcd";
            await using var started = await ManagedProcess.StartAsync(new ProcessStartInfo(etcd,
                ["--name", "m1", "--data-dir", restored, "--listen-client-urls", client, "--advertise-client-urls", client,
                 "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"m1={peer}"]),
                client, "/health", r => r.IsSuccessStatusCode, "etcd on the restored data");
            var (getCode, value) = await Tools.RunAsync("etcdctl", "--endpoints", client, "get", "restore/marker", "--print-value-only");
            Assert.True(getCode == 0, value);
            Assert.Equal(marker, value.Trim());
            var (_, members) = await Tools.RunAsync("etcdctl", "--endpoints", client, "member", "list");
            output.WriteLine(members);
            Assert.Single(members.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The blocks in one bash, in the working directory that holds key.txt, with a clean rclone configuration.</summary>
    private static async Task<(int Code, string Output)> RunAsync(string work, string script, Dictionary<string, string> environment)
    {
        var rcloneConfig = Path.Combine(work, "rclone.conf");
        await File.WriteAllTextAsync(rcloneConfig, "");
        environment["RCLONE_CONFIG"] = rcloneConfig;
        environment["HOME"] = work;
        var info = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = work };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        // bookworm's rclone (1.60) cannot build its HTTP client when AWS_CA_BUNDLE is set ("LoadCustomCABundleError"); the
        // bucket is plain HTTP on loopback here.
        info.Environment.Remove("AWS_CA_BUNDLE");
        info.Environment.Remove("AWS_PROFILE");
        info.Environment.Remove("AWS_SESSION_TOKEN");
        return await Tools.RunAsync(info, TimeSpan.FromMinutes(2));
    }
}
