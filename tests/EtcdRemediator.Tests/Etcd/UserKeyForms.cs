using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace EtcdRemediator.Tests.Etcd;

/// <summary>A certificate and its key in PEM, as one tool writes them.</summary>
public sealed record PemPair(string Form, string CertificatePem, string KeyPem)
{
    public override string ToString() => Form;
}

/// <summary>
/// Client credentials in the forms users' own tools write, each named after its source:
/// - Talos (siderolabs/crypto x509/key.go NewEd25519Key): Ed25519, PKCS#8 DER under `ED25519 PRIVATE KEY`;
/// - openssl genpkey: PKCS#8 under `PRIVATE KEY` (Ed25519, RSA, EC alike);
/// - kubeadm (client-go keyutil MarshalPrivateKeyToPEM): RSA as PKCS#1 `RSA PRIVATE KEY`, EC as SEC1 `EC PRIVATE KEY`;
/// - cert-manager: PKCS#1 by default, PKCS#8 with `encoding: PKCS8`.
/// </summary>
public static class UserKeyForms
{
    public static PemPair TalosEd25519(string organization = "os:operator") => Ed25519("talos", "ED25519 PRIVATE KEY", organization);

    public static PemPair OpenSslEd25519() => Ed25519("openssl ed25519", "PRIVATE KEY", "os:admin");

    public static PemPair KubeadmRsa()
    {
        using var rsa = RSA.Create(2048);
        return new("kubeadm rsa (PKCS#1)", Certificate(rsa), rsa.ExportRSAPrivateKeyPem());
    }

    public static PemPair CertManagerRsaPkcs8()
    {
        using var rsa = RSA.Create(2048);
        return new("cert-manager rsa (PKCS#8)", Certificate(rsa), rsa.ExportPkcs8PrivateKeyPem());
    }

    public static PemPair KubeadmEcSec1()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new("kubeadm ec (SEC1)", Certificate(ec), ec.ExportECPrivateKeyPem());
    }

    public static PemPair OpenSslEcP384()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        return new("openssl ec p-384 (PKCS#8)", Certificate(ec), ec.ExportPkcs8PrivateKeyPem());
    }

    public static IEnumerable<PemPair> All() =>
        [TalosEd25519(), OpenSslEd25519(), KubeadmRsa(), CertManagerRsaPkcs8(), KubeadmEcSec1(), OpenSslEcP384()];

    /// <summary>An Ed25519 CA and a client certificate it signed, with the key under <paramref name="label"/>.</summary>
    public static PemPair Ed25519(string form, string label, string organization, DateTime? notAfter = null, DateTime? notBefore = null)
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var ca = generator.GenerateKeyPair();
        var client = generator.GenerateKeyPair();
        var certificate = new X509V3CertificateGenerator();
        certificate.SetSerialNumber(BigInteger.ValueOf(Random.Shared.NextInt64(1, long.MaxValue)));
        certificate.SetIssuerDN(new X509Name("O=talos"));
        certificate.SetSubjectDN(new X509Name($"O={organization},CN=etcd-remediator"));
        certificate.SetNotBefore(notBefore ?? DateTime.UtcNow.AddHours(-1));
        certificate.SetNotAfter(notAfter ?? DateTime.UtcNow.AddHours(6));
        certificate.SetPublicKey(client.Public);
        certificate.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_clientAuth));
        var signed = certificate.Generate(new Asn1SignatureFactory("Ed25519", ca.Private));
        var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo((Ed25519PrivateKeyParameters)client.Private).GetDerEncoded();
        return new(form, PemEncoding.WriteString("CERTIFICATE", signed.GetEncoded()), PemEncoding.WriteString(label, pkcs8));
    }

    private static string Certificate(RSA key) =>
        SelfSigned(new CertificateRequest("O=system:masters, CN=kube-etcd-healthcheck-client", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    private static string Certificate(ECDsa key) =>
        SelfSigned(new CertificateRequest("O=system:masters, CN=kube-etcd-healthcheck-client", key, HashAlgorithmName.SHA256));

    private static string SelfSigned(CertificateRequest request)
    {
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(365));
        return certificate.ExportCertificatePem();
    }
}
