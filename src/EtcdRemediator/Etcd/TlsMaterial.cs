using System.Security.Cryptography.X509Certificates;

namespace EtcdRemediator.Etcd;

/// <summary>The client certificate (with key) and the CA that server certificates must chain to.</summary>
public sealed record TlsMaterial(X509Certificate2? ClientCertificate, X509Certificate2? Ca) : IDisposable
{
    public static TlsMaterial FromFiles(TlsOptions? tls) => FromPemText(
        tls?.CaFile is { } ca ? File.ReadAllText(ca) : null,
        tls?.CertFile is { } cert ? File.ReadAllText(cert) : null,
        tls?.KeyFile is { } key ? File.ReadAllText(key) : null);

    /// <summary>From PEM text, as files hold it or a talosconfig carries it (base64-decoded); a client certificate needs its key.</summary>
    public static TlsMaterial FromPemText(string? caPem, string? certificatePem, string? keyPem) => new(
        certificatePem is null || keyPem is null ? null : FromPem(certificatePem, keyPem),
        caPem is null ? null : X509Certificate2.CreateFromPem(caPem));

    public static X509Certificate2 FromPem(string certificatePem, string keyPem)
    {
        if (keyPem.Contains("ED25519", StringComparison.OrdinalIgnoreCase) || keyPem.Contains("MC4CAQAwBQYDK2Vw", StringComparison.Ordinal))
            throw new NotSupportedException(
                "the client key is Ed25519, which .NET's TLS cannot use; issue an ECDSA P-256 client certificate from the same CA (README: Talos)");
        using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        // SslStream on Linux wants a certificate whose key is not ephemeral; a PKCS#12 round trip gives that.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        ClientCertificate?.Dispose();
        Ca?.Dispose();
    }
}
