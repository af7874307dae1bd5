namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>
/// The README's "Download the binary", as a user follows it: the tarball and SHA256SUMS that scripts/package.sh makes (its
/// own packing, scripts/lib/package.sh, on this run's native publish: the arm64 cross-compile is the release workflow's),
/// checked with the README's sha256sum line, unpacked, and started from the user's folder with the README's four
/// variables against a real etcd that asks for client certificates, as a kubeadm cluster's does.
/// </summary>
public sealed class ReleaseTarballTests : IDisposable
{
    /// <summary>A release's name for this machine's architecture, as scripts/package.sh names it.</summary>
    private static readonly string Name = $"etcd-remediator-0.0.0-test-linux-{NativeBuild.Architecture}";
    private readonly string _work = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "release-").FullName;
    private readonly TestPki _pki = new("etcd-ca");

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task TheTarballChecksUnpacksAndServesWithTheReadmesFourVariables()
    {
        var dist = await PackAsync();
        var user = Directory.CreateDirectory(Path.Combine(_work, "user")).FullName;
        foreach (var file in new[] { $"{Name}.tar.gz", "SHA256SUMS" }) File.Copy(Path.Combine(dist, file), Path.Combine(user, file));

        var (checkedOk, check) = await InAsync(user, "sha256sum", "-c", "--ignore-missing", "SHA256SUMS");
        Assert.True(checkedOk == 0, check);
        var (_, listing) = await InAsync(user, "tar", "-tvzf", $"{Name}.tar.gz");
        var entries = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(entries, e => Assert.Contains(" root/root ", e, StringComparison.Ordinal));
        Assert.Equal([$"{Name}/", $"{Name}/EtcdRemediator", $"{Name}/appsettings.json", $"{Name}/libe_sqlite3.so"],
            entries.Select(e => e.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await InAsync(user, "tar", "-xzf", $"{Name}.tar.gz")).ExitCode);

        var pki = Directory.CreateDirectory(Path.Combine(_work, "pki")).FullName;
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { ClientTls = _pki.WritePem(pki, _pki.Server, "server") });
        var client = _pki.WritePem(pki, _pki.Client, "healthcheck-client");
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = new ProcessStartInfo(Path.Combine(user, Name, "EtcdRemediator"), ["--urls", url]) { WorkingDirectory = user };
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        info.Environment["HOME"] = user;
        var settings = new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Endpoints:0"] = cluster.Endpoints[0],
            ["Remediator:Clusters:0:Tls:CaFile"] = client.Ca,
            ["Remediator:Clusters:0:Tls:CertFile"] = client.Cert,
            ["Remediator:Clusters:0:Tls:KeyFile"] = client.Key,
        };
        // None on etcd 3.5.30 (this class is not in the 3.4 pass): the four variables are all a user sets there.
        EtcdUnderTest.AcceptAdvisories(settings);
        ServiceProcess.SetSettings(info, settings);

        await using var service = await ManagedProcess.StartAsync(info, url, "/readyz", r => r.IsSuccessStatusCode, "the unpacked release");
        Assert.Contains("reachable: 3 members answer", await service.Client.GetStringAsync("/readyz"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(user, "data", "remediator.db")), "the run database is not in data/ under the working directory");
        // The README's status curl for this path: the cluster is named "local" when no name is set.
        using var status = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clusters/local/status") { Headers = { { "Accept", "text/plain" } } };
        var table = await service.Client.SendAsync(status);
        Assert.Equal(HttpStatusCode.OK, table.StatusCode);
        var rows = await table.Content.ReadAsStringAsync();
        foreach (var member in cluster.Members) Assert.Contains(member.Name, rows, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATarballChangedInTransitFailsTheReadmesCheck()
    {
        var dist = await PackAsync();
        var tarball = Path.Combine(dist, $"{Name}.tar.gz");
        var bytes = await File.ReadAllBytesAsync(tarball);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(tarball, bytes);

        var (exit, said) = await InAsync(dist, "sha256sum", "-c", "--ignore-missing", "SHA256SUMS");
        Assert.NotEqual(0, exit);
        Assert.Contains($"{Name}.tar.gz: FAILED", said, StringComparison.Ordinal);
    }

    /// <summary>This run's native service, named as a release names it, packed by the release's own code; the dist folder.</summary>
    private async Task<string> PackAsync()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, "pack", Name)).FullName;
        foreach (var file in Directory.GetFiles(await NativeBuild.FolderAsync(_work)))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var dist = Directory.CreateDirectory(Path.Combine(_work, "dist")).FullName;
        var (exit, said) = await Tools.RunInAsync(RepoFiles.Root, new Dictionary<string, string>(), TimeSpan.FromMinutes(2), "bash", "-c",
            "source scripts/lib/publish.sh && source scripts/lib/package.sh && pack_release \"$1\" \"$2\" \"$3\" && write_sums \"$3\"",
            "package", folder, NativeBuild.Architecture, dist);
        Assert.True(exit == 0, said);
        return dist;
    }

    private static Task<(int ExitCode, string Output)> InAsync(string folder, string file, params string[] arguments) =>
        Tools.RunInAsync(folder, new Dictionary<string, string>(), TimeSpan.FromMinutes(1), file, arguments);
}
