using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace EtcdRemediator.Etcd;

/// <summary>
/// One gRPC channel per endpoint, so that status, defragment and move-leader reach the member they
/// name. Channels get a handler, not an HttpClient: HttpClient's 100 s timeout would cut a long
/// defragment short; our deadlines are per call instead. Shared by the etcd and Talos backends.
/// </summary>
public sealed class EtcdChannelPool(Func<TlsMaterial> loadTls) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();
    private readonly Lazy<TlsMaterial> _tls = new(loadTls);

    public GrpcChannel For(string endpoint) =>
        _channels.GetOrAdd(EtcdEndpoint.Normalize(endpoint), Create);

    private readonly ConcurrentDictionary<string, HttpClient> _http = new();

    /// <summary>Plain HTTP to the same address with the same TLS: etcd serves /metrics on its client URL.</summary>
    public HttpClient HttpFor(string endpoint) =>
        _http.GetOrAdd(EtcdEndpoint.Normalize(endpoint), e => new HttpClient(Handler(e)) { Timeout = Timeout.InfiniteTimeSpan });

    private GrpcChannel Create(string endpoint) =>
        GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = Handler(endpoint),
            DisposeHttpClient = true,
            // A member that restarts is answered again within seconds, not after the default backoff
            // of up to two minutes during which every call fails fast as "unreachable" (and the gate refuses).
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(500),
            MaxReconnectBackoff = TimeSpan.FromSeconds(5),
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });

    private SocketsHttpHandler Handler(string endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
            // A snapshot is one long server stream: with HTTP/2's 64 KiB starting window the server
            // waits for our window updates; Go's client (etcdctl) opens a far larger one.
            InitialHttp2StreamWindowSize = 1024 * 1024,
        };
        if (endpoint.StartsWith("https://", StringComparison.Ordinal))
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = _tls.Value.ClientCertificate is { } cert ? [cert] : null,
                RemoteCertificateValidationCallback = _tls.Value.Ca is { } ca ? (_, cert, _, errors) => TrustedBy(ca, cert, errors) : null,
            };
        return handler;
    }

    /// <summary>Server certificate must chain to the configured CA (the cluster's own PKI) and match the host.</summary>
    internal static bool TrustedBy(X509Certificate2 ca, X509Certificate? presented, SslPolicyErrors errors)
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
        foreach (var client in _http.Values) client.Dispose();
        _channels.Clear();
        if (_tls.IsValueCreated) _tls.Value.Dispose();
        await ValueTask.CompletedTask;
    }
}
