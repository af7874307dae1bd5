using System.Net.Sockets;

namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>
/// Mistakes of a first start, each named for what it is: the scheme beside TLS files (not the certificate a failed
/// handshake would blame), the address another process holds (not a stack trace), a misspelt prefix (not silence).
/// </summary>
public sealed class StartupMistakeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "startup-mistakes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AnHttpEndpointBesideTlsFilesStopsTheStartNamingTheEndpointKey()
    {
        using var pki = new TestPki();
        var (ca, cert, key) = pki.WritePem(_dir, pki.Client, "client");

        var (exit, lines) = await ServiceProcess.RunUntilExitAsync(_dir, new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "prod",
            ["Remediator:Clusters:0:Endpoints:0"] = "http://127.0.0.1:2379",
            ["Remediator:Clusters:0:Tls:CaFile"] = ca,
            ["Remediator:Clusters:0:Tls:CertFile"] = cert,
            ["Remediator:Clusters:0:Tls:KeyFile"] = key,
        });

        Assert.True(exit == 2, string.Join('\n', lines));
        Assert.Equal(
        [
            "EtcdRemediator cannot start; fix the configuration:",
            "  - Remediator:Clusters:0:Endpoints:0: 'http://127.0.0.1:2379' is plain http, but Remediator:Clusters:0:Tls names TLS files, " +
            "which only an https:// endpoint uses: write https://127.0.0.1:2379 (a member serving TLS), or remove Remediator:Clusters:0:Tls.",
        ], lines);
    }

    [Fact]
    public async Task AnAddressInUseIsOneLineNamingItWithNoStackTrace()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (exit, lines) = await ServiceProcess.RunUntilExitAsync(_dir, new Dictionary<string, string?>(), url: $"http://127.0.0.1:{port}");

        var all = string.Join('\n', lines);
        Assert.True(exit == 3, all);
        Assert.Contains($"EtcdRemediator cannot start: address 127.0.0.1:{port} is already in use by another process; stop it, " +
            "or listen elsewhere (--urls, ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS).", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Hosting failed to start", all); // the host's own line, with the trace inline
        Assert.DoesNotContain("Unhandled exception", all);
        Assert.DoesNotContain("configure this to Ignore", all);
    }

    [Fact]
    public async Task AnHttpsListenAddressIsOneLineSayingTheServiceServesPlainHttp()
    {
        var port = FreePorts.Next();

        var (exit, lines) = await ServiceProcess.RunUntilExitAsync(_dir, new Dictionary<string, string?>(), url: $"https://127.0.0.1:{port}");

        var all = string.Join('\n', lines);
        Assert.True(exit == 2, all);
        Assert.Equal(
        [
            $"EtcdRemediator cannot start; fix the configuration: listen address 'https://127.0.0.1:{port}' (urls: --urls, ASPNETCORE_URLS or DOTNET_URLS) " +
            "is https://, but the service serves plain http only: listen on http:// and put TLS in front of it (an ingress, a service mesh).",
        ], lines);
    }

    [Fact]
    public async Task AnEnvironmentVariableWithAMisspeltPrefixIsAWarningNamingItAndTheIntendedName()
    {
        await using var service = await ServiceProcess.StartAsync(_dir, new Dictionary<string, string?>
        {
            ["Remediater:Policy:Cooldown"] = "10m",
        });

        var output = await Poll.UntilAsync(() => Task.FromResult(service.Output), o => o.Contains("Remediater__", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the warning");
        Assert.Contains("warn: EtcdRemediator[0] Configuration: environment variable Remediater__Policy__Cooldown is not read: " +
            "'Remediater' is not 'Remediator'; did you mean Remediator__Policy__Cooldown?", output);
    }
}
