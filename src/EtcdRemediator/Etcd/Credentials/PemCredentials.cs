using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;

namespace EtcdRemediator.Etcd.Credentials;

/// <summary>Which part of a credential: what a message names, and which setting holds it.</summary>
internal enum CredentialPart
{
    Ca,
    Certificate,
    Key,
}

/// <summary>
/// A credential that cannot be used as it is (unreadable, unparsable, a certificate without its key,
/// expired). Our fault or the operator's, never the cluster's: a run meeting it is refused, and it
/// does not count towards the circuit breaker.
/// </summary>
internal sealed class CredentialException(CredentialPart part, string detail, string? source = null, Exception? inner = null)
    : Exception(source is null ? detail : $"{source}: {detail}", inner)
{
    public CredentialPart Part => part;

    /// <summary>What is wrong, without where it was read from.</summary>
    public string Detail => detail;

    /// <summary>The same problem, said of where it was read from (a file, a talosconfig's context).</summary>
    public CredentialException From(string where) => new(part, detail, where, InnerException);
}

/// <summary>A client's private key: RSA or ECDSA for .NET's TLS, Ed25519 (Talos) for <see cref="Ed25519Tls"/>.</summary>
internal sealed class ClientKey : IDisposable
{
    private ClientKey(string algorithm, AsymmetricAlgorithm? native, Ed25519PrivateKeyParameters? ed25519)
    {
        Algorithm = algorithm;
        Native = native;
        Ed25519 = ed25519;
    }

    /// <summary>For messages: "RSA", "ECDSA", "Ed25519".</summary>
    public string Algorithm { get; }

    /// <summary>RSA or ECDSA: loadable into an X509Certificate2 for SslStream.</summary>
    public AsymmetricAlgorithm? Native { get; }

    public Ed25519PrivateKeyParameters? Ed25519 { get; }

    public static ClientKey Rsa(RSA rsa) => new("RSA", rsa, null);
    public static ClientKey Ecdsa(ECDsa ecdsa) => new("ECDSA", ecdsa, null);
    public static ClientKey Ed(Ed25519PrivateKeyParameters key) => new("Ed25519", null, key);

    public void Dispose() => Native?.Dispose();
}

/// <summary>
/// Reads PEM credentials as Go's crypto/tls does, since that is what talosctl and etcdctl accept and
/// users hand us whatever worked there. A private key is the first PEM block whose type is
/// <c>PRIVATE KEY</c> or ends in <c> PRIVATE KEY</c> (Talos writes Ed25519 keys as PKCS#8 under
/// <c>ED25519 PRIVATE KEY</c>: siderolabs/crypto x509 PEMTypeEd25519Private; openssl writes
/// <c>PRIVATE KEY</c>, kubeadm <c>RSA PRIVATE KEY</c>, cert-manager either), parsed as PKCS#1, then
/// PKCS#8, then SEC1, whatever the label says. Certificate files may hold several certificates (a CA
/// bundle during a CA rotation).
/// </summary>
internal static class PemCredentials
{
    public static ClientKey ReadKey(string pem)
    {
        var labels = new List<string>();
        foreach (var (label, der) in Blocks(pem))
        {
            labels.Add(label);
            if (label == "PRIVATE KEY" || label.EndsWith(" PRIVATE KEY", StringComparison.Ordinal)) return Parse(label, der);
        }
        throw new CredentialException(CredentialPart.Key, labels.Count == 0
            ? "no PEM block found (expected -----BEGIN ... PRIVATE KEY-----)"
            : $"no private key: its PEM blocks are of type {string.Join(", ", labels)}");
    }

    /// <summary>Every CERTIFICATE block, in order; other blocks are skipped, as Go does.</summary>
    public static X509Certificate2Collection ReadCertificates(string pem, CredentialPart part)
    {
        var certificates = new X509Certificate2Collection();
        foreach (var (label, der) in Blocks(pem))
        {
            if (label != "CERTIFICATE") continue;
            try
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(der));
            }
            catch (CryptographicException e)
            {
                throw new CredentialException(part, $"certificate {certificates.Count + 1} could not be parsed: {e.Message}", inner: e);
            }
        }
        if (certificates.Count == 0) throw new CredentialException(part, "no PEM block of type CERTIFICATE found");
        return certificates;
    }

    /// <summary>Refuses a certificate whose public key is not the key's (Go's X509KeyPair does the same).</summary>
    public static void CheckPair(X509Certificate2 certificate, ClientKey key)
    {
        var matches = key switch
        {
            { Native: RSA rsa } => certificate.GetRSAPublicKey() is { } p
                                   && p.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(rsa.ExportSubjectPublicKeyInfo()),
            { Native: ECDsa ec } => certificate.GetECDsaPublicKey() is { } p
                                    && p.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(ec.ExportSubjectPublicKeyInfo()),
            { Ed25519: { } ed } => certificate.PublicKey.Oid.Value == EdECObjectIdentifiers.id_Ed25519.Id
                                   && certificate.PublicKey.EncodedKeyValue.RawData.AsSpan().SequenceEqual(ed.GeneratePublicKey().GetEncoded()),
            _ => false,
        };
        if (!matches)
            throw new CredentialException(CredentialPart.Key,
                $"the {key.Algorithm} key does not belong to the certificate '{certificate.Subject}' (issued for another " +
                $"{certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value} key; serial {certificate.SerialNumber}): " +
                $"is the certificate file from another pair?");
    }

    /// <summary>PKCS#1 (RSA), then PKCS#8 (any algorithm), then SEC1 (EC): the order of Go's tls.parsePrivateKey.</summary>
    private static ClientKey Parse(string label, byte[] der)
    {
        if (TryImport(RSA.Create, (rsa, d) => ReadsAll(d, rsa.ImportRSAPrivateKey), der) is { } pkcs1) return ClientKey.Rsa(pkcs1);
        if (Pkcs8(der) is { } info)
        {
            var algorithm = info.PrivateKeyAlgorithm.Algorithm;
            if (algorithm.Equals(EdECObjectIdentifiers.id_Ed25519))
            {
                try
                {
                    return ClientKey.Ed((Ed25519PrivateKeyParameters)Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(info));
                }
                catch (Exception e) when (e is ArgumentException or IOException or InvalidCastException or InvalidOperationException)
                {
                    throw new CredentialException(CredentialPart.Key,
                        $"Ed25519 key in a PEM block of type {label} could not be parsed: {e.Message}", inner: e);
                }
            }
            if (algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption)
                && TryImport(RSA.Create, (rsa, d) => ReadsAll(d, rsa.ImportPkcs8PrivateKey), der) is { } rsa)
                return ClientKey.Rsa(rsa);
            if (algorithm.Equals(X9ObjectIdentifiers.IdECPublicKey)
                && TryImport(ECDsa.Create, (ec, d) => ReadsAll(d, ec.ImportPkcs8PrivateKey), der) is { } ec)
                return ClientKey.Ecdsa(ec);
            throw new CredentialException(CredentialPart.Key,
                $"the PKCS#8 key in a PEM block of type {label} is of algorithm {algorithm.Id}, which TLS clients here do not use " +
                $"(RSA, ECDSA and Ed25519 are read)");
        }
        if (TryImport(ECDsa.Create, (ec, d) => ReadsAll(d, ec.ImportECPrivateKey), der) is { } sec1) return ClientKey.Ecdsa(sec1);
        var kind = label.Length > " PRIVATE KEY".Length ? label[..^" PRIVATE KEY".Length] + " key" : "key";
        throw new CredentialException(CredentialPart.Key,
            $"{kind} in a PEM block of type {label} could not be parsed: it is neither PKCS#1, PKCS#8 nor SEC1 DER");
    }

    private delegate void Import(ReadOnlySpan<byte> der, out int bytesRead);

    /// <summary>A key is only what fills the whole block.</summary>
    private static bool ReadsAll(byte[] der, Import import)
    {
        import(der, out var n);
        return n == der.Length;
    }

    private static PrivateKeyInfo? Pkcs8(byte[] der)
    {
        try
        {
            return Asn1Object.FromByteArray(der) is Asn1Sequence { Count: >= 3 } sequence ? PrivateKeyInfo.GetInstance(sequence) : null;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            return null;
        }
    }

    private static T? TryImport<T>(Func<T> create, Func<T, byte[], bool> import, byte[] der) where T : AsymmetricAlgorithm
    {
        var key = create();
        try
        {
            if (import(key, der)) return key;
        }
        catch (CryptographicException)
        {
        }
        key.Dispose();
        return null;
    }

    private static IEnumerable<(string Label, byte[] Der)> Blocks(string pem)
    {
        var rest = pem.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label].ToString();
            var der = Convert.FromBase64String(rest.Span[fields.Base64Data].ToString());
            rest = rest[fields.Location.End..];
            yield return (label, der);
        }
    }
}
