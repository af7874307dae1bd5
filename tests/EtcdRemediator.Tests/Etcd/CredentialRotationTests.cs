using EtcdRemediator.Etcd.Channels;
using EtcdRemediator.Etcd.Credentials;

namespace EtcdRemediator.Tests.Etcd;

/// <summary>
/// Kubernetes mounts each key of a Secret as a symlink `NAME -> ..data/NAME` and updates the Secret
/// by writing a new timestamped folder and swapping the `..data` link (kubelet's AtomicWriter):
/// nothing about the first link changes. Talos renews the pod's talosconfig this way every few hours.
/// </summary>
public sealed class CredentialRotationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-rotation-").FullName;
    private int _generation;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string from,
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string to);

    /// <summary>Writes the files into a new `..TIMESTAMP` folder and swaps `..data` to it in one rename, as kubelet does.</summary>
    private void Publish(PemPair pair)
    {
        var folder = $"..2026_11_26_13_00_0{_generation++}.000000001";
        Directory.CreateDirectory(Path.Combine(_dir, folder));
        File.WriteAllText(Path.Combine(_dir, folder, "tls.crt"), pair.CertificatePem);
        File.WriteAllText(Path.Combine(_dir, folder, "tls.key"), pair.KeyPem);
        File.WriteAllText(Path.Combine(_dir, folder, "ca.crt"), pair.CertificatePem);
        var next = Path.Combine(_dir, "..data_tmp");
        File.CreateSymbolicLink(next, folder);
        // rename(2) replaces the old link atomically; .NET's File.Move follows a link to a folder.
        if (Rename(next, Path.Combine(_dir, "..data")) != 0) throw new IOException($"rename failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        foreach (var name in new[] { "tls.crt", "tls.key", "ca.crt" })
            if (!File.Exists(Path.Combine(_dir, name)) && new FileInfo(Path.Combine(_dir, name)).LinkTarget is null)
                File.CreateSymbolicLink(Path.Combine(_dir, name), Path.Combine("..data", name));
    }

    [Fact]
    public async Task ACredentialReplacedByADataSymlinkSwapIsWhatTheNextCallUses()
    {
        var tls = new TlsOptions { CaFile = Path.Combine(_dir, "ca.crt"), CertFile = Path.Combine(_dir, "tls.crt"), KeyFile = Path.Combine(_dir, "tls.key") };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = UserKeyForms.TalosEd25519();
        Publish(first);
        await using var pool = new EtcdChannelPool(() => TlsMaterial.FromFiles(tls), TlsMaterial.FilesOf(tls), time);
        Assert.Null(pool.CredentialProblem());

        // A renewal that went wrong: the swapped-in key is not the certificate's.
        Publish(first with { KeyPem = UserKeyForms.TalosEd25519().KeyPem });
        time.Advance(EtcdChannelPool.CheckInterval);
        var broken = pool.CredentialProblem();

        Assert.NotNull(broken);
        Assert.Contains("does not belong to the certificate", broken!.Message, StringComparison.Ordinal);
        Assert.Throws<CredentialException>(() => pool.For("https://127.0.0.1:50000"));

        Publish(UserKeyForms.TalosEd25519());
        time.Advance(EtcdChannelPool.CheckInterval);
        Assert.Null(pool.CredentialProblem());
        Assert.NotNull(pool.For("https://127.0.0.1:50000"));
    }
}
