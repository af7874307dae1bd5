namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// An Ed25519 CA with an Ed25519 server certificate (IP 127.0.0.1) and an Ed25519 client certificate,
/// made with the openssl command-line tool the way Talos' PKI looks (Talos' OS CA and its leaves are
/// Ed25519; the Organization is the role; client certificates have extendedKeyUsage clientAuth only,
/// which apid requires). .NET cannot create Ed25519 certificates itself. The client key is written as
/// Talos writes every Ed25519 key: PKCS#8 under its own PEM label `ED25519 PRIVATE KEY`
/// (siderolabs/crypto x509: PEMTypeEd25519Private; NewEd25519Key marshals with MarshalPKCS8PrivateKey,
/// the same DER openssl writes under `PRIVATE KEY`, kept in <see cref="ClientKeyOpenSsl"/>). The server
/// key stays in openssl's form: nginx (OpenSSL) reads no other label.
/// </summary>
public sealed record Ed25519Pki(string Ca, string ServerCert, string ServerKey, string ClientCert, string ClientKey)
{
    public const string TalosKeyLabel = "ED25519 PRIVATE KEY";

    /// <summary>The client key as openssl wrote it (`PRIVATE KEY`).</summary>
    public string ClientKeyOpenSsl => ClientKey + ".openssl";

    public static async Task<Ed25519Pki> CreateAsync(string dir, string clientSubject = "/O=os:admin/CN=etcd-remediator")
    {
        string P(string name) => Path.Combine(dir, name);
        async Task Run(params string[] args)
        {
            var (exit, output) = await Tools.RunAsync("openssl", args);
            if (exit != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)}: {output}");
        }
        await File.WriteAllTextAsync(P("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        await File.WriteAllTextAsync(P("client.ext"), "extendedKeyUsage=clientAuth\n");
        await Run("genpkey", "-algorithm", "ed25519", "-out", P("ca.key"));
        await Run("req", "-x509", "-new", "-key", P("ca.key"), "-subj", "/O=talos/CN=ed25519-test-ca", "-days", "2", "-out", P("ca.crt"));
        foreach (var (name, subject) in new[] { ("server", "/CN=127.0.0.1"), ("client", clientSubject) })
        {
            await Run("genpkey", "-algorithm", "ed25519", "-out", P($"{name}.key"));
            await Run("req", "-new", "-key", P($"{name}.key"), "-subj", subject, "-out", P($"{name}.csr"));
            await Run("x509", "-req", "-in", P($"{name}.csr"), "-CA", P("ca.crt"), "-CAkey", P("ca.key"), "-CAcreateserial", "-days", "2",
                "-out", P($"{name}.crt"), "-extfile", P($"{name}.ext"));
        }
        File.Move(P("client.key"), P("client.key.openssl"));
        await File.WriteAllTextAsync(P("client.key"), InTalosForm(await File.ReadAllTextAsync(P("client.key.openssl"))));
        return new Ed25519Pki(P("ca.crt"), P("server.crt"), P("server.key"), P("client.crt"), P("client.key"));
    }

    /// <summary>openssl's PKCS#8 Ed25519 key under Talos' label: the body is the same DER.</summary>
    public static string InTalosForm(string opensslPem)
    {
        if (!opensslPem.Contains("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal)) throw new InvalidOperationException("not an openssl PKCS#8 key");
        return opensslPem.Replace("-----BEGIN PRIVATE KEY-----", $"-----BEGIN {TalosKeyLabel}-----", StringComparison.Ordinal)
            .Replace("-----END PRIVATE KEY-----", $"-----END {TalosKeyLabel}-----", StringComparison.Ordinal);
    }
}
