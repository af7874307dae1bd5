using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace EtcdRemediator.Etcd;

/// <summary>
/// One gRPC channel per endpoint, so that status, defragment and move-leader reach the member they
/// name. Channels get a handler, not an HttpClient: HttpClient's 100 s timeout would cut a long
/// defragment short; our deadlines are per call instead. Shared by the etcd and Talos backends.
/// Credentials rotate (cert-manager, kubeadm, Talos' 6-hour pod certificates): when a watched file
/// changes, new calls get new channels with the new material; calls already under way (a long
/// defragment) finish on the old ones, which are disposed with the pool.
/// </summary>
public sealed class EtcdChannelPool(Func<TlsMaterial> loadTls, IReadOnlyList<string>? watchedFiles = null, TimeProvider? time = null) : IAsyncDisposable
{
    /// <summary>How often the watched files are looked at (a stat each), at most.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private sealed class Generation(Lazy<TlsMaterial> tls)
    {
        public Lazy<TlsMaterial> Tls { get; } = tls;
        public ConcurrentDictionary<string, GrpcChannel> Channels { get; } = new();
        public ConcurrentDictionary<string, HttpClient> Http { get; } = new();
    }

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly List<Generation> _retired = [];
    private readonly object _gate = new();
    private Generation _current = new(new Lazy<TlsMaterial>(loadTls));
    private string _fingerprint = Fingerprint(watchedFiles);
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public GrpcChannel For(string endpoint)
    {
        var generation = Current();
        return generation.Channels.GetOrAdd(EtcdEndpoint.Normalize(endpoint), e => Create(e, generation.Tls));
    }

    /// <summary>Plain HTTP to the same address with the same TLS: etcd serves /metrics on its client URL.</summary>
    public HttpClient HttpFor(string endpoint)
    {
        var generation = Current();
        return generation.Http.GetOrAdd(EtcdEndpoint.Normalize(endpoint), e => new HttpClient(Handler(e, generation.Tls))
        {
            Timeout = Timeout.InfiniteTimeSpan,
            BaseAddress = new Uri(Address(e, generation.Tls)),
        });
    }

    /// <summary>With an Ed25519 key the connect callback does the TLS: the request itself is then http://.</summary>
    private static string Address(string endpoint, Lazy<TlsMaterial> tls) =>
        tls.Value.Ed25519 is not null && endpoint.StartsWith("https://", StringComparison.Ordinal) ? Ed25519Tls.PlainAddress(endpoint) : endpoint;

    private Generation Current()
    {
        if (watchedFiles is not { Count: > 0 } || _time.GetUtcNow() - _checkedAt < CheckInterval) return _current;
        lock (_gate)
        {
            if (_time.GetUtcNow() - _checkedAt < CheckInterval) return _current;
            _checkedAt = _time.GetUtcNow();
            var fingerprint = Fingerprint(watchedFiles);
            if (fingerprint == _fingerprint) return _current;
            // Loaded now, so that a half-written or broken file keeps the working material.
            TlsMaterial fresh;
            try { fresh = loadTls(); }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or InvalidOperationException or FormatException) { return _current; }
            _fingerprint = fingerprint;
            _retired.Add(_current);
            _current = new Generation(new Lazy<TlsMaterial>(fresh));
            return _current;
        }
    }

    private static string Fingerprint(IReadOnlyList<string>? files) =>
        files is null ? "" : string.Join('|', files.Select(f => new FileInfo(f) is { Exists: true } i ? $"{f}:{i.LastWriteTimeUtc.Ticks}:{i.Length}" : $"{f}:-"));

    private static GrpcChannel Create(string endpoint, Lazy<TlsMaterial> tls) =>
        GrpcChannel.ForAddress(Address(endpoint, tls), new GrpcChannelOptions
        {
            HttpHandler = Handler(endpoint, tls),
            DisposeHttpClient = true,
            // A member that restarts is answered again within seconds, not after the default backoff
            // of up to two minutes during which every call fails fast as "unreachable" (and the gate refuses).
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(500),
            MaxReconnectBackoff = TimeSpan.FromSeconds(5),
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });

    private static SocketsHttpHandler Handler(string endpoint, Lazy<TlsMaterial> tls)
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
        if (endpoint.StartsWith("https://", StringComparison.Ordinal) && tls.Value.Ed25519 is { } ed)
            handler.ConnectCallback = Ed25519Tls.ConnectCallback(new Uri(endpoint).Host, ed.Ca, ed.Certificate, ed.Key, TimeSpan.FromSeconds(10));
        else if (endpoint.StartsWith("https://", StringComparison.Ordinal))
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = tls.Value.ClientCertificate is { } cert ? [cert] : null,
                RemoteCertificateValidationCallback = tls.Value.Ca is { } ca ? (_, cert, _, errors) => TrustedBy(ca, cert, errors) : null,
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
        List<Generation> all;
        lock (_gate) all = [.. _retired, _current];
        foreach (var generation in all)
        {
            foreach (var channel in generation.Channels.Values) channel.Dispose();
            foreach (var client in generation.Http.Values) client.Dispose();
            if (generation.Tls.IsValueCreated) generation.Tls.Value.Dispose();
        }
        await ValueTask.CompletedTask;
    }
}
