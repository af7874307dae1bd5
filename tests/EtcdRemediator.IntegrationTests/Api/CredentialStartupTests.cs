using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EtcdRemediator.IntegrationTests.Talos;

namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>
/// Credentials are checked when the service starts, as the backend will read them: a key that does
/// not parse, a certificate with another key, an expired certificate. Each stops the process with
/// exit code 2 and one line naming the setting, the file and what is wrong, instead of a service that
/// starts and then calls every cluster "unreachable".
/// </summary>
public sealed class CredentialStartupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "credentials-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<string> RefusalAsync(Dictionary<string, string?> cluster)
    {
        cluster["Remediator:Clusters:0:Name"] = "homelab";
        var (exit, lines) = await ServiceProcess.RunUntilExitAsync(_dir, cluster);
        Assert.True(exit == 2, string.Join('\n', lines));
        Assert.Equal("EtcdRemediator cannot start; fix the configuration:", lines[0]);
        return Assert.Single(lines[1..]);
    }

    private static Dictionary<string, string?> EtcdTls(string ca, string cert, string key) => new()
    {
        ["Remediator:Clusters:0:Endpoints:0"] = "https://127.0.0.1:2379",
        ["Remediator:Clusters:0:Tls:CaFile"] = ca,
        ["Remediator:Clusters:0:Tls:CertFile"] = cert,
        ["Remediator:Clusters:0:Tls:KeyFile"] = key,
    };

    [Fact]
    public async Task ATalosKeyThatDoesNotParseIsNamedWithItsSettingFileAndLabel()
    {
        var pki = await Ed25519Pki.CreateAsync(_dir);
        var broken = Write("broken.key", "-----BEGIN ED25519 PRIVATE KEY-----\nMAMCAQA=\n-----END ED25519 PRIVATE KEY-----\n");

        var line = await RefusalAsync(EtcdTls(pki.Ca, pki.ClientCert, broken));

        Assert.Equal($"  - Remediator:Clusters:0:Tls:KeyFile: '{broken}': ED25519 key in a PEM block of type ED25519 PRIVATE KEY could not be parsed: " +
                     "it is neither PKCS#1, PKCS#8 nor SEC1 DER.", line);
    }

    [Fact]
    public async Task ACertificateWithAnotherKeyIsRefused()
    {
        var pki = await Ed25519Pki.CreateAsync(Directory.CreateDirectory(Path.Combine(_dir, "a")).FullName);
        var other = await Ed25519Pki.CreateAsync(Directory.CreateDirectory(Path.Combine(_dir, "b")).FullName);

        var line = await RefusalAsync(EtcdTls(pki.Ca, pki.ClientCert, other.ClientKey));

        Assert.StartsWith($"  - Remediator:Clusters:0:Tls:KeyFile: '{other.ClientKey}': the Ed25519 key does not belong to the certificate", line);
    }

    [Fact]
    public async Task AnExpiredCertificateIsRefusedWithItsDate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var notAfter = DateTimeOffset.UtcNow.AddDays(-2);
        using var expired = new CertificateRequest("CN=kube-etcd-healthcheck-client", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(notAfter.AddDays(-365), notAfter);
        var cert = Write("expired.crt", expired.ExportCertificatePem());

        var line = await RefusalAsync(EtcdTls(cert, cert, Write("expired.key", key.ExportECPrivateKeyPem())));

        Assert.StartsWith("  - Remediator:Clusters:0:Tls:CertFile: ", line);
        Assert.Contains($"'{cert}'", line);
        Assert.Contains("expired at", line);
    }

    [Fact]
    public async Task ATalosconfigWhoseKeyIsBrokenIsNamedByItsFileAndPart()
    {
        var pki = await Ed25519Pki.CreateAsync(_dir);
        var talosconfig = ApidStandIn.WriteTalosconfig(Path.Combine(_dir, "talosconfig"), "127.0.0.1:50000", [],
            await File.ReadAllTextAsync(pki.Ca), await File.ReadAllTextAsync(pki.ClientCert), "-----BEGIN ED25519 PRIVATE KEY-----\nMAMCAQA=\n-----END ED25519 PRIVATE KEY-----\n");

        var line = await RefusalAsync(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Backend"] = "Talos",
            ["Remediator:Clusters:0:Talos:ConfigFile"] = talosconfig,
        });

        Assert.StartsWith($"  - Remediator:Clusters:0:Talos:ConfigFile: talosconfig '{talosconfig}', the key of its context: ED25519 key in a PEM block", line);
    }
}
