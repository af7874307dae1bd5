using EtcdRemediator.Api;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>A real etcd with --client-cert-auth and certificates made by the test, as in the Kubernetes PKI.</summary>
public sealed class MutualTlsTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "tls-").FullName;
    private readonly TestPki _pki = new("etcd-ca");

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<EtcdTestCluster> StartTlsClusterAsync()
    {
        var server = _pki.WritePem(_dir, _pki.Server, "server");
        return await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { ClientTls = server });
    }

    private static Dictionary<string, string?> WithTls(EtcdTestCluster cluster, (string Ca, string Cert, string Key)? client, string ca)
    {
        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Clusters:0:Tls:CaFile"] = ca;
        if (client is { } c)
        {
            settings["Remediator:Clusters:0:Tls:CertFile"] = c.Cert;
            settings["Remediator:Clusters:0:Tls:KeyFile"] = c.Key;
        }
        settings["Remediator:Policy:RequestTimeout"] = "00:00:05";
        return settings;
    }

    [Fact]
    public async Task AKeyBrokenAfterStartRefusesRunsWithTheReasonAndNeverOpensTheBreaker()
    {
        await using var cluster = await StartTlsClusterAsync();
        var client = _pki.WritePem(_dir, _pki.Client, "client");
        var settings = WithTls(cluster, client, client.Ca);
        settings["Remediator:Policy:CircuitBreakerThreshold"] = "1";
        await using var app = new RemediatorApp(settings);
        var http = app.CreateClient();
        // A rotation gone wrong: the key file now holds a key that does not parse.
        await File.WriteAllTextAsync(client.Key, "-----BEGIN EC PRIVATE KEY-----\nMAMCAQA=\n-----END EC PRIVATE KEY-----\n");
        // Files are looked at once a second at most: the status page shows when the service has seen it.
        await Poll.UntilAsync(async () => (await http.GetStringAsync("/api/v1/clusters/lab/status")).Contains("could not be parsed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "the status page to show the broken key");

        var first = await http.RunToEndAsync("lab", "snapshot");
        var second = await http.RunToEndAsync("lab", "snapshot");

        Assert.Equal(RunStatus.Refused, first.Status);
        Assert.Contains("credentials", first.Reason);
        Assert.Contains($"Tls:KeyFile '{client.Key}'", first.Reason);
        // With a breaker of one failure, a counted failure would have answered the second trigger 409.
        Assert.Equal(RunStatus.Refused, second.Status);
        Assert.Empty(Directory.GetFiles(app.DataDirectory, "*.db.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AMemberAdvertisingAPlainHttpUrlIsNeverReachedWithoutTls()
    {
        // Whatever listens at the advertised plaintext address: every connection to it is counted.
        using var plaintext = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        plaintext.Start();
        var connections = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var accepted = await plaintext.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
            }
        });
        var advertised = $"http://127.0.0.1:{((System.Net.IPEndPoint)plaintext.LocalEndpoint).Port}";
        var server = _pki.WritePem(_dir, _pki.Server, "server");
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions
        {
            ClientTls = server,
            AdvertiseClientUrl = (i, _) => i == 2 ? advertised : null,
        });
        await cluster.FragmentAsync(megabytes: 8);
        var client = _pki.WritePem(_dir, _pki.Client, "client");
        var settings = WithTls(cluster, client, client.Ca);
        settings.Remove("Remediator:Clusters:0:Endpoints:2"); // m2 is known by what it advertises only
        await using var app = new RemediatorApp(settings);

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag", force: true);

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains($"advertises {advertised}, plain HTTP, while the configured endpoints use TLS", run.Reason);
        Assert.Equal(0, Volatile.Read(ref connections));
        Assert.Empty(DefragEvidence.Windows(cluster));
    }

    [Fact]
    public async Task AClientCertificateOfTheSameCaServedAsTheServersIsRefused()
    {
        // The right CA and the right name, but an extended key usage of clientAuth only: not a server.
        using var impostor = _pki.Issue("CN=127.0.0.1", server: true, clientAuthOnly: true);
        var served = _pki.WritePem(_dir, impostor, "impostor");
        var client = _pki.WritePem(_dir, _pki.Client, "client");
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { ClientTls = served, FixtureClient = client, FixtureTrustsAnyServer = true });
        await using var app = new RemediatorApp(WithTls(cluster, client, client.Ca));

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag", force: true);

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains("not a server certificate", run.Reason);
        Assert.Empty(DefragEvidence.Windows(cluster));
    }

    [Fact]
    public async Task WithTheRightClientCertificateTheWholePipelineWorks()
    {
        await using var cluster = await StartTlsClusterAsync();
        await cluster.FragmentAsync(megabytes: 12);
        var client = _pki.WritePem(_dir, _pki.Client, "client");
        await using var app = new RemediatorApp(WithTls(cluster, client, client.Ca));

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.StartsWith("https://", run.Plan[0].Endpoint);
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        await SnapshotAssertions.AssertVerifiedAsync(run, app.DataDirectory);
    }

    [Fact]
    public async Task WithoutAClientCertificateOrWithTheWrongCaItFailsClearlyAndQuickly()
    {
        await using var cluster = await StartTlsClusterAsync();
        using var otherPki = new TestPki("someone-elses-ca");
        var otherDir = Directory.CreateDirectory(Path.Combine(_dir, "other")).FullName;
        var wrong = otherPki.WritePem(otherDir, otherPki.Client, "client");
        var right = _pki.WritePem(_dir, _pki.Client, "client");

        foreach (var (name, settings) in new[]
        {
            ("no client certificate", WithTls(cluster, null, right.Ca)),
            ("client certificate from another CA", WithTls(cluster, wrong, right.Ca)),
            ("server not trusted (wrong CA file)", WithTls(cluster, right, wrong.Ca)),
        })
        {
            await using var app = new RemediatorApp(settings);
            var clock = Stopwatch.StartNew();
            var view = await app.CreateClient().GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status");
            var run = await app.CreateClient().RunToEndAsync("lab", "defrag", force: true);
            output.WriteLine($"{name}: status and run answered in {clock.ElapsedMilliseconds} ms; error: {view!.Error}; run {run.Status}: {run.Reason}");

            Assert.NotNull(view.Error);
            Assert.Equal(RunStatus.Refused, run.Status);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{name} took {clock.Elapsed}");
        }
        Assert.Empty(DefragEvidence.Windows(cluster));
    }
}
