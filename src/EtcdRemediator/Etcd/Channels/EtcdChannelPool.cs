using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Credentials;
using Grpc.Net.Client;

namespace EtcdRemediator.Etcd.Channels;

/// <summary>
/// One gRPC channel per endpoint, so that status, defragment and move-leader reach the member they
/// name. Channels get a handler, not an HttpClient: HttpClient's 100 s timeout would cut a long
/// defragment short; our deadlines are per call instead. Shared by the etcd and Talos backends.
/// Credentials rotate (cert-manager, kubeadm, Talos' 6-hour pod certificates): when a watched file
/// changes, new calls get new channels with the new material; calls already under way (a long
/// defragment) finish on the old ones, which are disposed with the pool.
/// </summary>
/// <param name="keepAlive">How often an open connection is pinged while calls are under way (<see cref="EtcdKeepAlive"/>).</param>
internal sealed class EtcdChannelPool(
    Func<TlsMaterial> loadTls, IReadOnlyList<string>? watchedFiles = null, TimeProvider? time = null, TimeSpan? keepAlive = null)
    : IAsyncDisposable
{
    /// <summary>How often the watched files are looked at (read and hashed, a few KiB each), at most.</summary>
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
    private Generation _current = new(new Lazy<TlsMaterial>(() => Loaded(loadTls)));
    private readonly FileContentWatch _files = new(watchedFiles ?? [], CheckInterval, time ?? TimeProvider.System);
    /// <summary>Set while the watched files hold credentials that cannot be used: every call is refused with it.</summary>
    private CredentialException? _broken;
    private readonly TimeSpan _keepAlive = keepAlive ?? EtcdKeepAlive.Etcd;

    public GrpcChannel For(string endpoint)
    {
        var generation = Current();
        return generation.Channels.GetOrAdd(EtcdEndpoint.Normalize(endpoint), e => Create(e, generation.Tls, _keepAlive));
    }

    /// <summary>Why the credentials cannot be used now (unreadable, broken by a rotation, expired), or null.</summary>
    public CredentialException? CredentialProblem()
    {
        try
        {
            _ = Current().Tls.Value;
            return null;
        }
        catch (CredentialException e)
        {
            return e;
        }
    }

    /// <summary>Plain HTTP to the same address with the same TLS: etcd serves /metrics on its client URL.</summary>
    public HttpClient HttpFor(string endpoint)
    {
        var generation = Current();
        return generation.Http.GetOrAdd(EtcdEndpoint.Normalize(endpoint), e => new HttpClient(Handler(e, generation.Tls, _keepAlive))
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
        var current = CheckFiles();
        if (current.Tls.IsValueCreated && current.Tls.Value.Expired(_time.GetUtcNow()) is { } expired)
            throw watchedFiles is { Count: > 0 } ? expired.From(string.Join(", ", watchedFiles)) : expired;
        return current;
    }

    /// <summary>The generation for the files as they are now; throws while they hold credentials that cannot be used.</summary>
    private Generation CheckFiles()
    {
        Generation Unchanged() => _broken is { } known ? throw known : _current;
        if (!_files.Due) return Unchanged();
        lock (_gate)
        {
            if (!_files.Changed()) return Unchanged();
            // Loaded now: a rotation to a broken file refuses calls with the reason (our fault, not the
            // cluster's) until the files are mended; calls already under way finish on what they have.
            TlsMaterial fresh;
            try
            {
                fresh = Loaded(loadTls);
            }
            catch (CredentialException e)
            {
                _broken = e;
                throw;
            }
            _broken = null;
            _retired.Add(_current);
            _current = new Generation(new Lazy<TlsMaterial>(fresh));
            return _current;
        }
    }

    /// <summary>Every failure to load is a <see cref="CredentialException"/>.</summary>
    private static TlsMaterial Loaded(Func<TlsMaterial> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException
                                  or FormatException or YamlDotNet.Core.YamlException)
        {
            throw new CredentialException(CredentialPart.Key, e.Message, inner: e);
        }
    }

    private static GrpcChannel Create(string endpoint, Lazy<TlsMaterial> tls, TimeSpan keepAlive) =>
        GrpcChannel.ForAddress(Address(endpoint, tls), new GrpcChannelOptions
        {
            HttpHandler = Handler(endpoint, tls, keepAlive),
            DisposeHttpClient = true,
            // A member that restarts is answered again within seconds, not after the default backoff
            // of up to two minutes during which every call fails fast as "unreachable" (and the gate refuses).
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(500),
            MaxReconnectBackoff = TimeSpan.FromSeconds(5),
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });

    private static SocketsHttpHandler Handler(string endpoint, Lazy<TlsMaterial> tls, TimeSpan keepAlive)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingDelay = keepAlive,
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            // gRPC-Go servers (etcd, apid) count a ping on a connection without calls as abuse.
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
            // A snapshot is one long server stream: with HTTP/2's 64 KiB starting window the server
            // waits for our window updates; Go's client (etcdctl) opens a far larger one.
            InitialHttp2StreamWindowSize = 1024 * 1024,
        };
        if (endpoint.StartsWith("https://", StringComparison.Ordinal) && tls.Value.Ed25519 is { } ed)
            handler.ConnectCallback = Ed25519Tls.ConnectCallback(new Uri(endpoint).Host, ed, TimeSpan.FromSeconds(10));
        else if (endpoint.StartsWith("https://", StringComparison.Ordinal))
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = tls.Value.ClientCertificate is { } cert ? [cert] : null,
                RemoteCertificateValidationCallback = tls.Value.Cas is { } cas ? (_, cert, _, errors) => TrustedBy(cas, cert, errors) : null,
            };
        return handler;
    }

    /// <summary>The extended key usage a server certificate must allow (RFC 5280 id-kp-serverAuth).</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>Server certificate must chain to a configured CA (the cluster's own PKI; several during a CA rotation) and match the host.</summary>
    internal static bool TrustedBy(X509Certificate2Collection cas, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        // A server certificate, not any certificate of the CA: a client's (clientAuth only) with the right name is refused.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuth));
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
