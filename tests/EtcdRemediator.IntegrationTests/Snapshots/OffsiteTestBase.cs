namespace EtcdRemediator.IntegrationTests.Snapshots;

/// <summary>
/// What the off-site tests share: an age key of the test's own (Debian's `age-keygen`), the settings that send copies to a
/// bucket encrypted to it, and `age -d` and etcdutl to read a copy back. Two classes of tests, so that the runner spreads
/// their fourteen cases over its slots (one class of them ended its pass alone for a minute, measured).
/// </summary>
public abstract class OffsiteTestBase(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _keys = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "age-").FullName;

    protected Xunit.Abstractions.ITestOutputHelper Output { get; } = output;

    protected string Recipient { get; private set; } = "";

    private string Identity => Path.Combine(_keys, "key.txt");

    public async Task InitializeAsync()
    {
        Recipient = await Tools.NewAgeKeyAsync(Identity);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_keys, recursive: true);
        return Task.CompletedTask;
    }

    protected void Encrypted(Dictionary<string, string?> settings) => settings["Remediator:Snapshots:Offsite:AgeRecipients:0"] = Recipient;

    /// <summary>Off-site copies to the test's bucket, encrypted to the test's age key.</summary>
    protected void EncryptedTo(TestBucket s3, Dictionary<string, string?> settings)
    {
        s3.Configure(settings);
        Encrypted(settings);
    }

    /// <summary>A snapshot run to its end, its steps in the test's output; it must have succeeded.</summary>
    private protected async Task<RunRecord> SucceededSnapshotAsync(LabScenario lab)
    {
        var run = await lab.Client.RunToEndAsync("lab", "snapshot");
        Output.WriteLine($"run {run.Status}: {run.Reason}; {string.Join("; ", run.Steps.Select(s => $"{s.Name}: {s.Detail}"))}");
        Assert.Equal(RunStatus.Succeeded, run.Status);
        return run;
    }

    protected void Unreachable(Dictionary<string, string?> settings, string endpoint)
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
    protected async Task<(string Encrypted, string Decrypted)> DecryptAsync(Amazon.S3.AmazonS3Client client, string bucket, string key)
    {
        var encrypted = Path.Combine(_keys, "copy.age");
        using (var copy = await client.GetObjectAsync(bucket, key))
            await copy.WriteResponseStreamToFileAsync(encrypted, append: false, CancellationToken.None);
        var decrypted = Path.Combine(_keys, "copy.db");
        var (code, said) = await Tools.RunAsync("age", "-d", "-i", Identity, "-o", decrypted, encrypted);
        Assert.True(code == 0, said);
        return (encrypted, decrypted);
    }

    /// <summary>etcdutl where it is installed (3.5+), etcdctl's deprecated form on 3.4.</summary>
    protected static Task<(int ExitCode, string Output)> SnapshotStatusAsync(string file) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "etcdutl")))
            ? Tools.RunAsync("etcdutl", "snapshot", "status", file, "-w", "table")
            : Tools.RunAsync("etcdctl", "snapshot", "status", file, "-w", "table");
}
