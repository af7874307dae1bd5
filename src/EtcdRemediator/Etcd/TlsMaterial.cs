using System.Security.Cryptography.X509Certificates;
using EtcdRemediator.Configuration;

namespace EtcdRemediator.Etcd;

/// <summary>The client certificate (with key) and the CA that server certificates must chain to.</summary>
public sealed record TlsMaterial(X509Certificate2? ClientCertificate, X509Certificate2? Ca) : IDisposable
{
    /// <summary>Set when the client key is Ed25519 (Talos' default): the PEM texts for <see cref="Ed25519Tls"/>,
    /// since SslStream cannot load such a key.</summary>
    public (string Ca, string Certificate, string Key)? Ed25519 { get; init; }

    /// <summary>The files <see cref="FromFiles"/> reads: what to watch for a rotation.</summary>
    public static IReadOnlyList<string> FilesOf(TlsOptions? tls) => [.. new[] { tls?.CaFile, tls?.CertFile, tls?.KeyFile }.OfType<string>()];

    public static TlsMaterial FromFiles(TlsOptions? tls) => FromPemText(
        tls?.CaFile is { } ca ? File.ReadAllText(ca) : null,
        tls?.CertFile is { } cert ? File.ReadAllText(cert) : null,
        tls?.KeyFile is { } key ? File.ReadAllText(key) : null);

    /// <summary>From PEM text, as files hold it or a talosconfig carries it (base64-decoded); a client certificate needs its key.</summary>
    public static TlsMaterial FromPemText(string? caPem, string? certificatePem, string? keyPem)
    {
        if (certificatePem is not null && keyPem is not null && Ed25519Tls.IsEd25519Key(keyPem))
            return new TlsMaterial(null, null)
            {
                Ed25519 = (caPem ?? throw new InvalidOperationException("an Ed25519 client certificate needs the CA its server certificates chain to (Tls:CaFile, or the talosconfig's ca)"),
                    certificatePem, keyPem),
            };
        return new(certificatePem is null || keyPem is null ? null : FromPem(certificatePem, keyPem),
            caPem is null ? null : X509Certificate2.CreateFromPem(caPem));
    }

    public static X509Certificate2 FromPem(string certificatePem, string keyPem)
    {
        if (Ed25519Tls.IsEd25519Key(keyPem))
            throw new NotSupportedException("an Ed25519 client key cannot be loaded into an X509Certificate2 (SslStream); FromPemText routes it to Ed25519Tls");
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
