using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>A throwaway CA with server and client certificates (ECDSA P-256), made fresh per test.</summary>
public sealed class TestPki : IDisposable
{
    public TestPki(string commonName = "test-ca")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Server = Issue("CN=127.0.0.1", server: true);
        Client = Issue("O=os:admin, CN=etcd-remediator", server: false);
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    public X509Certificate2 Client { get; }

    /// <summary>A certificate signed by this CA, with its private key.</summary>
    /// <param name="clientAuthOnly">With a server's names (127.0.0.1, localhost) but the extended key usage of a client.</param>
    public X509Certificate2 Issue(string subject, bool server, bool clientAuthOnly = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        // Server certificates may also authenticate as clients, as etcd's peer/server certificates do.
        OidCollection usages = server && !clientAuthOnly ? [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")] : [new Oid("1.3.6.1.5.5.7.3.2")];
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddIpAddress(IPAddress.IPv6Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        using var signed = request.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    public static string KeyPem(X509Certificate2 certificate) => certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();

    /// <summary>Writes ca.crt, NAME.crt and NAME.key into <paramref name="dir"/>; returns the three paths.</summary>
    public (string Ca, string Cert, string Key) WritePem(string dir, X509Certificate2 certificate, string name)
    {
        var paths = (Path.Combine(dir, "ca.crt"), Path.Combine(dir, $"{name}.crt"), Path.Combine(dir, $"{name}.key"));
        File.WriteAllText(paths.Item1, CertificatePem(Ca));
        File.WriteAllText(paths.Item2, CertificatePem(certificate));
        File.WriteAllText(paths.Item3, KeyPem(certificate));
        return paths;
    }

    /// <summary>True when <paramref name="presented"/> chains to this CA.</summary>
    public bool Issued(X509Certificate2 presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
    }
}
