namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// Credentials as Talos makes them: Ed25519 keys, which .NET's own TLS cannot use. Against real etcd
/// (Go's TLS and gRPC server, as apid has) with an Ed25519 server certificate and client-cert-auth.
/// </summary>
public sealed class Ed25519TlsTests
{
    [Fact]
    public async Task AnEd25519ClientCertificateDrivesTheWholePipelineAgainstAnEd25519Server()
    {
        var dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "ed25519-").FullName;
        try
        {
            var pki = await Ed25519Pki.CreateAsync(dir);
            await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions
            {
                ClientTls = (pki.Ca, pki.ServerCert, pki.ServerKey),
                // The fixture's setup client uses the service's client certificate, so the server must know it.
                FixtureClient = (pki.Ca, pki.ClientCert, pki.ClientKey),
            });
            await cluster.FragmentAsync(megabytes: 12);
            var settings = RemediatorApp.ForCluster(cluster);
            settings["Remediator:Clusters:0:Tls:CaFile"] = pki.Ca;
            settings["Remediator:Clusters:0:Tls:CertFile"] = pki.ClientCert;
            settings["Remediator:Clusters:0:Tls:KeyFile"] = pki.ClientKey;
            await using var app = new RemediatorApp(settings);

            var run = await app.CreateClient().RunToEndAsync("lab", "defrag");

            Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
            var windows = DefragEvidence.Windows(cluster);
            Assert.Equal(3, windows.Count);
            DefragEvidence.AssertSequential(windows);
            await SnapshotAssertions.AssertVerifiedAsync(run, app.DataDirectory);
            // The independent witness: Go's TLS client with the same Ed25519 certificate sees small files now.
            var (exit, status) = await Tools.RunAsync("etcdctl", "--endpoints", string.Join(",", cluster.Endpoints), "--cacert", pki.Ca,
                "--cert", pki.ClientCert, "--key", pki.ClientKey, "endpoint", "status", "-w", "json");
            Assert.True(exit == 0, status);
            Assert.All(System.Text.Json.JsonDocument.Parse(status).RootElement.EnumerateArray(),
                e => Assert.True(e.GetProperty("Status").GetProperty("dbSize").GetInt64() < 8 * 1024 * 1024, e.ToString()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task AServerCertificateFromAnotherCaIsRefused()
    {
        var dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "ed25519-").FullName;
        try
        {
            var pki = await Ed25519Pki.CreateAsync(Directory.CreateDirectory(Path.Combine(dir, "a")).FullName);
            var other = await Ed25519Pki.CreateAsync(Directory.CreateDirectory(Path.Combine(dir, "b")).FullName);
            await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions
            {
                ClientTls = (pki.Ca, pki.ServerCert, pki.ServerKey),
                FixtureClient = (pki.Ca, pki.ClientCert, pki.ClientKey),
            });
            var settings = RemediatorApp.ForCluster(cluster);
            settings["Remediator:Clusters:0:Tls:CaFile"] = other.Ca; // trusts another CA than the one that signed etcd's certificate
            settings["Remediator:Clusters:0:Tls:CertFile"] = other.ClientCert;
            settings["Remediator:Clusters:0:Tls:KeyFile"] = other.ClientKey;
            await using var app = new RemediatorApp(settings);

            var run = await app.CreateClient().RunToEndAsync("lab", "defrag", force: true);

            Assert.Equal(RunStatus.Refused, run.Status);
            Assert.Contains("not trusted", run.Reason);
            Assert.Empty(DefragEvidence.Windows(cluster));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
