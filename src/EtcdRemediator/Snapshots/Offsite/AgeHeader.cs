using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Security;

namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// The age v1 header (c2sp.org/age): a fresh 16-byte file key wrapped once per X25519 recipient, and the header's MAC.
/// Recipients get one stanza each; any one of their identities decrypts the file.
/// </summary>
internal static class AgeHeader
{
    private const string Version = "age-encryption.org/v1";
    private static readonly byte[] X25519Info = Encoding.ASCII.GetBytes("age-encryption.org/v1/X25519");
    private static readonly byte[] HeaderInfo = Encoding.ASCII.GetBytes("header");

    /// <summary>The header's bytes, and the file key the payload is derived from (random, never reused).</summary>
    public static (byte[] Header, byte[] FileKey) Create(IReadOnlyList<AgeRecipient> recipients)
    {
        if (recipients.Count == 0) throw new ArgumentException("age needs at least one recipient", nameof(recipients));
        var fileKey = RandomNumberGenerator.GetBytes(16);
        var text = new StringBuilder(Version).Append('\n');
        foreach (var recipient in recipients)
        {
            var (share, body) = Wrap(fileKey, recipient.PublicKey);
            // One 32-byte body is 43 base64 characters: a single final line, shorter than 64 columns as the format requires.
            text.Append("-> X25519 ").Append(Base64(share)).Append('\n').Append(Base64(body)).Append('\n');
        }
        text.Append("---");
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, 32, salt: [], info: HeaderInfo);
        var mac = HMACSHA256.HashData(macKey, Encoding.ASCII.GetBytes(text.ToString()));
        text.Append(' ').Append(Base64(mac)).Append('\n');
        return (Encoding.ASCII.GetBytes(text.ToString()), fileKey);
    }

    /// <summary>X25519 with a fresh ephemeral secret per stanza; HKDF over the shared secret; ChaCha20-Poly1305 with a zero nonce.</summary>
    private static (byte[] Share, byte[] Body) Wrap(byte[] fileKey, byte[] recipient)
    {
        var secret = new byte[X25519.ScalarSize];
        X25519.GeneratePrivateKey(new SecureRandom(), secret);
        var share = new byte[X25519.PointSize];
        X25519.GeneratePublicKey(secret, 0, share, 0);
        var shared = new byte[X25519.PointSize];
        if (!X25519.CalculateAgreement(secret, 0, recipient, 0, shared, 0))
            throw new CryptographicException("the recipient is a low-order point (no shared secret): not a usable X25519 public key");
        CryptographicOperations.ZeroMemory(secret);
        var wrapKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt: [.. share, .. recipient], info: X25519Info);
        var body = new byte[fileKey.Length + 16];
        using (var aead = new ChaCha20Poly1305(wrapKey))
            aead.Encrypt(new byte[12], fileKey, body.AsSpan(0, fileKey.Length), body.AsSpan(fileKey.Length));
        return (share, body);
    }

    /// <summary>Standard base64 without padding, as age writes it.</summary>
    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');
}
