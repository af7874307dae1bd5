using System.Security.Cryptography;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

internal static class SnapshotAssertions
{
    /// <summary>The file ends with the sha256 of the rest, the run records the whole file's, it has its sidecar, and etcdctl accepts it.</summary>
    public static async Task AssertVerifiedAsync(RunRecord run, string dataDirectory, bool revisionKnown = true)
    {
        var snapshot = run.Snapshot ?? throw new Xunit.Sdk.XunitException("the run took no snapshot");
        Assert.StartsWith(Path.Combine(dataDirectory, "snapshots", "lab"), snapshot.Path);
        var bytes = await File.ReadAllBytesAsync(snapshot.Path);
        Assert.Equal(bytes[^32..], SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), snapshot.Sha256); // the whole file's, as sha256sum prints it
        Assert.True(snapshot.EtcdHashVerified);
        Assert.True(File.Exists(snapshot.Path + ".json"));
        // A snapshot holds every Secret: 0600 files in a 0700 folder, as etcdctl writes them.
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(snapshot.Path));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(snapshot.Path + ".json"));
        Assert.Equal(ownerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(snapshot.Path)!));
        // Through Talos there is no revision to read; directly, the snapshot names one.
        if (revisionKnown) Assert.True(snapshot.Revision > 0, "the snapshot names its revision");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(snapshot.Path)!, "*.part"));

        var (exit, output) = await Tools.RunAsync("etcdctl", "snapshot", "status", snapshot.Path, "-w", "json");
        Assert.True(exit == 0, $"etcdctl snapshot status: {output}");
        Assert.Contains("\"revision\":", output);
    }
}
