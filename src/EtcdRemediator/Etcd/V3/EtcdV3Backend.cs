using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Channels;
using EtcdRemediator.Etcd.Credentials;

namespace EtcdRemediator.Etcd.V3;

/// <summary>etcd's own v3 gRPC API at the configured client URLs, with TLS and etcd auth as configured.</summary>
internal sealed class EtcdV3Backend : IClusterBackend
{
    public string Name => ClusterOptions.DefaultBackend;

    public IEtcdCluster Create(ClusterOptions cluster, PolicyOptions policy, TimeProvider time) =>
        new EtcdGrpcCluster(EtcdAccess.FromOptions(cluster), policy.RequestTimeout, time);

    public IEnumerable<string> CheckCredentials(ClusterOptions cluster, string key, DateTimeOffset now, ICollection<string>? warnings) =>
        CredentialCheck.OfTlsFiles(cluster, key, now, warnings);

    public IEnumerable<string> Validate(ClusterOptions cluster, string key)
    {
        if (cluster.Endpoints.Count == 0)
            yield return $"{key}:Endpoints: at least one client URL is required, such as https://10.0.0.1:2379.";
        // TLS files beside a plain http:// URL: the scheme is the mistake, not the certificate a failed handshake would blame.
        var tlsFiles = cluster.Tls is { } files && (files.CaFile ?? files.CertFile ?? files.KeyFile) is not null;
        for (var i = 0; i < cluster.Endpoints.Count; i++)
            if (!EtcdEndpoint.TryNormalize(cluster.Endpoints[i], out var endpoint))
                yield return $"{key}:Endpoints:{i}: '{cluster.Endpoints[i]}' is not an http:// or https:// URL with a host and port.";
            else if (tlsFiles && endpoint.StartsWith("http://", StringComparison.Ordinal))
                yield return $"{key}:Endpoints:{i}: '{cluster.Endpoints[i]}' is plain http, but {key}:Tls names TLS files, which only an " +
                    $"https:// endpoint uses: write https://{endpoint["http://".Length..]} (a member serving TLS), or remove {key}:Tls.";
        if (cluster.Username is not null && cluster.Password is null && cluster.PasswordFile is null)
            yield return $"{key}:Password: a Username needs a Password or a PasswordFile.";
        if (cluster.PasswordFile is { } passwordFile && !File.Exists(passwordFile))
            yield return $"{key}:PasswordFile: file '{passwordFile}' does not exist.";
        if (cluster.Tls is { } tls)
        {
            if (tls.CertFile is null != (tls.KeyFile is null))
                yield return $"{key}:Tls: CertFile and KeyFile go together (a client certificate needs its key).";
            foreach (var (name, file) in new[] { ("CaFile", tls.CaFile), ("CertFile", tls.CertFile), ("KeyFile", tls.KeyFile) })
                if (file is not null && !File.Exists(file))
                    yield return $"{key}:Tls:{name}: file '{file}' does not exist.";
        }
    }
}
