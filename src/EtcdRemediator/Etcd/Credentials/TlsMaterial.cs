using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EtcdRemediator.Configuration;
using Org.BouncyCastle.Crypto.Parameters;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace EtcdRemediator.Etcd.Credentials;

/// <summary>An Ed25519 client (Talos' default), which SslStream cannot load: for <see cref="Ed25519Tls"/>.</summary>
internal sealed record Ed25519Credentials(IReadOnlyList<BcCertificate> Cas, BcCertificate Certificate, Ed25519PrivateKeyParameters Key);

/// <summary>The client certificate (with key) and the CAs that server certificates must chain to.</summary>
/// <param name="Cas">Every certificate of the CA file: during a CA rotation it holds the old and the new.</param>
internal sealed record TlsMaterial(X509Certificate2? ClientCertificate, X509Certificate2Collection? Cas) : IDisposable
{
    /// <summary>Set when the client key is Ed25519: the parsed material for <see cref="Ed25519Tls"/>.</summary>
    public Ed25519Credentials? Ed25519 { get; init; }

    /// <summary>The client certificate as read, whatever its key: its dates are checked.</summary>
    public X509Certificate2? Leaf { get; init; }

    /// <summary>A certificate that expires within this long is warned about at start-up.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(7);

    /// <summary>The files <see cref="FromFiles"/> reads: what to watch for a rotation.</summary>
    public static IReadOnlyList<string> FilesOf(TlsOptions? tls) => [.. new[] { tls?.CaFile, tls?.CertFile, tls?.KeyFile }.OfType<string>()];

    /// <summary>The setting that names each part's file, for messages.</summary>
    public static string SettingOf(CredentialPart part) => part switch
    {
        CredentialPart.Ca => "Tls:CaFile",
        CredentialPart.Certificate => "Tls:CertFile",
        _ => "Tls:KeyFile",
    };

    /// <summary>The file that holds each part.</summary>
    public static string? FileOf(TlsOptions? tls, CredentialPart part) =>
        part switch { CredentialPart.Ca => tls?.CaFile, CredentialPart.Certificate => tls?.CertFile, _ => tls?.KeyFile };

    /// <summary>Throws <see cref="CredentialException"/> naming the setting and the file of the part that is wrong.</summary>
    public static TlsMaterial FromFiles(TlsOptions? tls)
    {
        string? Read(CredentialPart part)
        {
            if (FileOf(tls, part) is not { } path) return null;
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CredentialException(part, $"cannot be read: {e.Message}", $"{SettingOf(part)} '{path}'", e);
            }
        }
        try
        {
            return FromPemText(Read(CredentialPart.Ca), Read(CredentialPart.Certificate), Read(CredentialPart.Key));
        }
        catch (CredentialException e) when (e.Detail == e.Message)
        {
            throw e.From($"{SettingOf(e.Part)} '{FileOf(tls, e.Part)}'");
        }
    }

    /// <summary>From PEM text, as files hold it or a talosconfig carries it (base64-decoded); a client certificate needs its key.</summary>
    public static TlsMaterial FromPemText(string? caPem, string? certificatePem, string? keyPem)
    {
        var cas = caPem is null ? null : PemCredentials.ReadCertificates(caPem, CredentialPart.Ca);
        if (certificatePem is null || keyPem is null) return new TlsMaterial(null, cas);
        var chain = PemCredentials.ReadCertificates(certificatePem, CredentialPart.Certificate);
        var leaf = chain[0];
        using var key = PemCredentials.ReadKey(keyPem);
        PemCredentials.CheckPair(leaf, key);
        if (key.Ed25519 is { } ed)
        {
            if (cas is null)
                throw new CredentialException(CredentialPart.Ca,
                    "an Ed25519 client certificate needs the CA its server certificates chain to (Tls:CaFile, or the talosconfig's ca)");
            var credentials = new Ed25519Credentials([.. cas.Select(c => new BcCertificate(c.RawData))], new BcCertificate(leaf.RawData), ed);
            return new TlsMaterial(null, cas) { Leaf = leaf, Ed25519 = credentials };
        }
        using var withKey = key.Native switch
        {
            RSA rsa => leaf.CopyWithPrivateKey(rsa),
            ECDsa ec => leaf.CopyWithPrivateKey(ec),
            _ => throw new CredentialException(CredentialPart.Key, $"a {key.Algorithm} key cannot be used by .NET's TLS"),
        };
        // SslStream on Linux wants a certificate whose key is not ephemeral; a PKCS#12 round trip gives that.
        return new TlsMaterial(X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null), cas) { Leaf = leaf };
    }

    /// <summary>Why the client certificate cannot be used at <paramref name="now"/> (expired, not yet valid), or null.</summary>
    public CredentialException? Expired(DateTimeOffset now) => Leaf switch
    {
        { } c when c.NotAfter.ToUniversalTime() <= now.UtcDateTime =>
            new CredentialException(CredentialPart.Certificate, $"the client certificate '{c.Subject}' expired at {c.NotAfter.ToUniversalTime():u}"),
        { } c when c.NotBefore.ToUniversalTime() > now.UtcDateTime =>
            new CredentialException(CredentialPart.Certificate,
                $"the client certificate '{c.Subject}' is not valid before {c.NotBefore.ToUniversalTime():u} (is this machine's clock right?)"),
        _ => null,
    };

    /// <summary>
    /// When the client certificate expires within <see cref="ExpiryWarning"/> of <paramref name="now"/>: that date.
    /// A certificate made to live less than that (Talos' 6-hour in-cluster ones, renewed by Talos) is not warned about.
    /// </summary>
    public DateTimeOffset? ExpiresSoon(DateTimeOffset now) =>
        Leaf is { } c && new DateTimeOffset(c.NotAfter.ToUniversalTime()) is var at && at - now < ExpiryWarning
        && c.NotAfter - c.NotBefore >= ExpiryWarning ? at : null;

    public void Dispose()
    {
        ClientCertificate?.Dispose();
        Leaf?.Dispose();
        foreach (var ca in Cas ?? []) ca.Dispose();
    }
}
