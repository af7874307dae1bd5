namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// An Ed25519 CA with an Ed25519 server certificate (IP 127.0.0.1) and an Ed25519 client certificate,
/// made with the openssl command-line tool the way Talos' PKI looks (Talos' OS CA and its leaves are
/// Ed25519; the Organization is the role). .NET cannot create Ed25519 certificates itself.
/// </summary>
public sealed record Ed25519Pki(string Ca, string ServerCert, string ServerKey, string ClientCert, string ClientKey)
{
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
        return new Ed25519Pki(P("ca.crt"), P("server.crt"), P("server.key"), P("client.crt"), P("client.key"));
    }
}
