using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using EtcdRemediator.IntegrationTests.Infrastructure;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Runs;

namespace EtcdRemediator.IntegrationTests.Snapshots;

/// <summary>
/// The off-site copy against real parts: etcd's snapshot, s3rver as the bucket, Debian's `age` decrypting what the
/// service wrote, etcdutl reading the result.
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

    [Fact]
    public async Task ASnapshotRunLeavesACopyInTheBucketThatAgeDecryptsIntoTheVerifiedSnapshot()
    {
        await using var s3 = await S3Server.StartAsync();
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 2, configure: s =>
        {
            s3.Configure(s);
            Encrypted(s);
        });

        var run = await lab.Client.RunToEndAsync("lab", "snapshot");
        output.WriteLine($"run {run.Status}: {run.Reason}; {string.Join("; ", run.Steps.Select(s => $"{s.Name}: {s.Detail}"))}");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var local = run.Snapshot!.Path;
        var key = $"etcd-remediator/lab/{Path.GetFileName(local)}.age";
        Assert.Contains(key, run.Steps.Single(s => s.Name == "snapshot").Detail);
        using var client = s3.Client();
        var encrypted = Path.Combine(_keys, "copy.age");
        using (var copy = await client.GetObjectAsync(s3.Bucket, key))
            await copy.WriteResponseStreamToFileAsync(encrypted, append: false, CancellationToken.None);
        var decrypted = Path.Combine(_keys, "copy.db");
        var (code, said) = await Tools.RunAsync("age", "-d", "-i", _identity, "-o", decrypted, encrypted);
        Assert.True(code == 0, said);
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

    [Fact]
    public async Task TwoCopiesOfTheClusterDifferAndRetentionKeepsTheNewest()
    {
        await using var s3 = await S3Server.StartAsync();
        await using var lab = await LabScenario.StartAsync(configure: s =>
        {
            s3.Configure(s);
            Encrypted(s);
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

    /// <summary>etcdutl where it is installed (3.5+), etcdctl's deprecated form on 3.4.</summary>
    private static Task<(int ExitCode, string Output)> SnapshotStatusAsync(string file) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "etcdutl")))
            ? Tools.RunAsync("etcdutl", "snapshot", "status", file, "-w", "table")
            : Tools.RunAsync("etcdctl", "snapshot", "status", file, "-w", "table");
}
