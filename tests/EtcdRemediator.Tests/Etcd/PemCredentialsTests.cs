using System.Security.Cryptography;
using EtcdRemediator.Etcd.Credentials;

namespace EtcdRemediator.Tests.Etcd;

public sealed class PemCredentialsTests
{
    public static TheoryData<PemPair> EveryForm() => [.. UserKeyForms.All()];

    [Theory]
    [MemberData(nameof(EveryForm))]
    public void AKeyInEveryFormUsersToolsWriteIsReadAndMatchesItsCertificate(PemPair pair)
    {
        using var material = TlsMaterial.FromPemText(pair.CertificatePem, pair.CertificatePem, pair.KeyPem);

        Assert.NotNull(material.Leaf);
        Assert.True(material.ClientCertificate is { HasPrivateKey: true } || material.Ed25519 is not null, pair.Form);
    }

    [Fact]
    public void TalosOwnEd25519KeyGoesToTheEd25519TlsClient()
    {
        var talos = UserKeyForms.TalosEd25519();
        Assert.Contains("-----BEGIN ED25519 PRIVATE KEY-----", talos.KeyPem, StringComparison.Ordinal);

        using var material = TlsMaterial.FromPemText(talos.CertificatePem, talos.CertificatePem, talos.KeyPem);

        Assert.Null(material.ClientCertificate);
        Assert.NotNull(material.Ed25519);
        Assert.Equal(PemCredentials.ReadCertificates(talos.CertificatePem, CredentialPart.Certificate)[0].RawData, material.Ed25519!.Certificate.GetEncoded());
    }

    [Fact]
    public void AnEd25519ClientCertificateWithoutItsCaIsRefusedNamingTheCa()
    {
        var talos = UserKeyForms.TalosEd25519();

        var e = Assert.Throws<CredentialException>(() => TlsMaterial.FromPemText(null, talos.CertificatePem, talos.KeyPem));

        Assert.Equal(CredentialPart.Ca, e.Part);
    }

    [Fact]
    public void ACertificateWithAnotherKeysPairIsRefused()
    {
        var one = UserKeyForms.TalosEd25519();
        var other = UserKeyForms.TalosEd25519();
        var rsa = UserKeyForms.KubeadmRsa();

        var ed = Assert.Throws<CredentialException>(() => TlsMaterial.FromPemText(one.CertificatePem, one.CertificatePem, other.KeyPem));
        var mixed = Assert.Throws<CredentialException>(() => TlsMaterial.FromPemText(rsa.CertificatePem, rsa.CertificatePem, other.KeyPem));

        Assert.Contains("does not belong to the certificate", ed.Message, StringComparison.Ordinal);
        Assert.Contains("Ed25519 key does not belong", mixed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyThatCannotBeParsedSaysWhichLabelItHad()
    {
        var broken = PemEncoding.WriteString("ED25519 PRIVATE KEY", [0x30, 0x03, 0x02, 0x01, 0x00]);

        var e = Assert.Throws<CredentialException>(() => PemCredentials.ReadKey(broken));

        Assert.Equal(CredentialPart.Key, e.Part);
        Assert.Equal("ED25519 key in a PEM block of type ED25519 PRIVATE KEY could not be parsed: it is neither PKCS#1, PKCS#8 nor SEC1 DER", e.Message);
    }

    [Fact]
    public void AWellFormedPkcs8WrapperAroundABrokenEd25519KeyIsACredentialErrorNotACrash()
    {
        var inner = new Org.BouncyCastle.Asn1.Pkcs.PrivateKeyInfo(
            new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.EdEC.EdECObjectIdentifiers.id_Ed25519),
            new Org.BouncyCastle.Asn1.DerOctetString(new byte[5])).GetDerEncoded();

        var e = Assert.Throws<CredentialException>(() => PemCredentials.ReadKey(PemEncoding.WriteString("ED25519 PRIVATE KEY", inner)));

        Assert.StartsWith("Ed25519 key in a PEM block of type ED25519 PRIVATE KEY could not be parsed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWithoutAPrivateKeyNamesTheBlocksItHas()
    {
        var e = Assert.Throws<CredentialException>(() => PemCredentials.ReadKey(UserKeyForms.KubeadmRsa().CertificatePem));

        Assert.Contains("its PEM blocks are of type CERTIFICATE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCertificateOfACaBundleIsTrustedDuringACaRotation()
    {
        var old = UserKeyForms.KubeadmRsa();
        var next = UserKeyForms.KubeadmEcSec1();

        using var material = TlsMaterial.FromPemText(old.CertificatePem + "\n" + next.CertificatePem, old.CertificatePem, old.KeyPem);

        Assert.Equal(2, material.Cas!.Count);
    }

    [Fact]
    public void AnExpiredCertificateIsSaidToBeExpiredAndOneThatExpiresSoonGivesItsDate()
    {
        var yearly = UserKeyForms.Ed25519("cert-manager", "PRIVATE KEY", "os:operator", notAfter: DateTime.UtcNow.AddDays(3), notBefore: DateTime.UtcNow.AddDays(-362));
        using var material = TlsMaterial.FromPemText(yearly.CertificatePem, yearly.CertificatePem, yearly.KeyPem);

        Assert.Null(material.Expired(DateTimeOffset.UtcNow));
        Assert.NotNull(material.ExpiresSoon(DateTimeOffset.UtcNow));
        Assert.Null(material.ExpiresSoon(DateTimeOffset.UtcNow - TimeSpan.FromDays(8)));
        Assert.Contains("expired at", material.Expired(DateTimeOffset.UtcNow.AddDays(4))!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TalosSixHourCertificatesWhichTalosRenewsAreNotWarnedAbout()
    {
        var talos = UserKeyForms.TalosEd25519();
        using var material = TlsMaterial.FromPemText(talos.CertificatePem, talos.CertificatePem, talos.KeyPem);

        Assert.Null(material.ExpiresSoon(DateTimeOffset.UtcNow));
    }
}
