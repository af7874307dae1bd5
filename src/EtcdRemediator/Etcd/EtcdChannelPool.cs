using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace EtcdRemediator.Etcd;

/// <summary>
/// One gRPC channel per member endpoint, so that status, defragment and move-leader reach the
/// member they name. Channels get a handler, not an HttpClient: HttpClient's 100 s timeout would
/// cut a long defragment short; our deadlines are per call instead.
/// </summary>
public sealed class EtcdChannelPool(TlsOptions? tls) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();
    private readonly Lazy<X509Certificate2?> _clientCertificate = new(() => LoadClientCertificate(tls));
    private readonly Lazy<X509Certificate2?> _ca = new(() => tls?.CaFile is { } ca ? X509CertificateLoader.LoadCertificateFromFile(ca) : null);

    public GrpcChannel For(string endpoint) =>
        _channels.GetOrAdd(EtcdEndpoint.Normalize(endpoint), Create);

    private GrpcChannel Create(string endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
        };
        if (endpoint.StartsWith("https://", StringComparison.Ordinal))
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = _clientCertificate.Value is { } cert ? [cert] : null,
                RemoteCertificateValidationCallback = _ca.Value is { } ca ? (_, cert, _, errors) => TrustedBy(ca, cert, errors) : null,
            };
        return GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
    }

    private static X509Certificate2? LoadClientCertificate(TlsOptions? tls)
    {
        if (tls?.CertFile is null || tls.KeyFile is null) return null;
        using var pem = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
        // SslStream on Linux wants a certificate whose key is not ephemeral; a PKCS#12 round trip gives that.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Server certificate must chain to the configured CA (the cluster's own PKI) and match the host.</summary>
    private static bool TrustedBy(X509Certificate2 ca, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
        _channels.Clear();
        if (_clientCertificate.IsValueCreated) _clientCertificate.Value?.Dispose();
        if (_ca.IsValueCreated) _ca.Value?.Dispose();
        await ValueTask.CompletedTask;
    }
}
