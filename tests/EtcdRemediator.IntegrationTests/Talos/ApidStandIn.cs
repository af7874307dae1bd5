using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EtcdRemediator.IntegrationTests.Talos;

/// <summary>The nodes the stand-in serves: a node name -> that member.</summary>
/// <param name="names">Member i's node name, as a talosconfig names it (a host name, an IPv6 address),
/// whatever the member advertises; by default the host of its client URL.</param>
internal sealed class StandInNodes(EtcdTestCluster cluster, IReadOnlyList<string>? names = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();

    /// <summary>
    /// Node names as apid knows them: bare addresses when each member has its own (apid refuses a
    /// target with a port), host:port where the fixture put every member on 127.0.0.1.
    /// </summary>
    public IReadOnlyList<string> Names { get; } = names ?? NodeNames(cluster);

    private readonly Dictionary<string, string> _urls = (names ?? NodeNames(cluster)).Zip(cluster.Members, (n, m) => (n, m.ClientUrl)).ToDictionary(x => x.n, x => x.ClientUrl);

    private static List<string> NodeNames(EtcdTestCluster cluster)
    {
        var hosts = cluster.Members.Select(m => new Uri(m.ClientUrl).Host).ToList();
        return hosts.Distinct().Count() == hosts.Count ? hosts : [.. cluster.Members.Select(m => new Uri(m.ClientUrl).Authority)];
    }

    /// <summary>Every call: method and the node it named, for asserting what reached which node.</summary>
    public ConcurrentBag<(string Method, string Node)> Calls { get; } = [];

    /// <summary>The subject of every client certificate a call presented.</summary>
    public ConcurrentBag<string> ClientSubjects { get; } = [];

    /// <summary>Ends every snapshot stream after this many bytes, with status OK, as a cut-off stream from machined does.</summary>
    public long? CutSnapshotsAfter { get; set; }

    /// <summary>Behind a TLS proxy (plaintext on loopback): the verified subject comes in its header.</summary>
    public bool BehindProxy { get; init; }

    /// <summary>Worker nodes: machined serves no etcd there, and apid answers Unimplemented.</summary>
    public HashSet<string> Workers { get; } = [];

    /// <summary>Nodes whose machined fails defragment, disarm and forfeit: apid answers Unavailable, as for any node's own failure.</summary>
    public ConcurrentDictionary<string, bool> FailingNodes { get; } = new();

    /// <summary>Calls that used the deprecated multi-valued `nodes` header (apid warns about each).</summary>
    public ConcurrentBag<string> DeprecatedNodesHeader { get; } = [];

    /// <summary>The node named by the `node` metadata (or the deprecated `nodes`); apid's own node when none is named.</summary>
    public string Resolve(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("node") is { } node) return node;
        if (context.RequestHeaders.GetValue("nodes") is { } nodes)
        {
            DeprecatedNodesHeader.Add(context.Method);
            return nodes;
        }
        return Names[0];
    }

    /// <summary>The single-valued `node` form: apid proxies the call and returns the node's reply as is.</summary>
    public static bool IsProxied(ServerCallContext context) => context.RequestHeaders.GetValue("node") is not null;

    public GrpcChannel? ChannelFor(string node) =>
        _urls.TryGetValue(node, out var url) ? _channels.GetOrAdd(node, _ => GrpcChannel.ForAddress(url)) : null;

    public void Dispose()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
    }
}

/// <summary>
/// A stand-in for Talos' apid on loopback: gRPC over TLS with the test CA's server certificate,
/// client certificates required and checked against the same CA, as apid does.
/// </summary>
internal sealed class ApidStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly StrongBox<int> _rejected;

    private ApidStandIn(WebApplication app, StandInNodes nodes, string endpoint, StrongBox<int> rejected)
    {
        _app = app;
        Nodes = nodes;
        Endpoint = endpoint;
        _rejected = rejected;
    }

    /// <summary>As a talosconfig lists it: host:port.</summary>
    public string Endpoint { get; }
    public StandInNodes Nodes { get; }
    /// <summary>Client certificates the stand-in refused (not issued by the test CA).</summary>
    public int RejectedHandshakes => Volatile.Read(ref _rejected.Value);

    /// <param name="behindProxy">Plaintext HTTP/2 on loopback for a TLS front (<see cref="NginxTlsFront"/>) instead of its own mTLS.</param>
    /// <param name="nodeNames">Member i's node name (<see cref="StandInNodes"/>).</param>
    /// <param name="address">Where it listens: IPv4 loopback unless given (IPv6's ::1).</param>
    public static async Task<ApidStandIn> StartAsync(EtcdTestCluster cluster, TestPki pki, bool behindProxy = false,
        IReadOnlyList<string>? nodeNames = null, IPAddress? address = null)
    {
        var port = FreePorts.Next();
        address ??= IPAddress.Loopback;
        var nodes = new StandInNodes(cluster, nodeNames) { BehindProxy = behindProxy };
        var rejected = new StrongBox<int>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(nodes);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (behindProxy) return;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = pki.Server;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) =>
                {
                    // apid requires the extended key usage to be exactly clientAuth (always from Talos 1.13).
                    var ok = pki.Issued(certificate) && ClientAuthOnly(certificate);
                    if (!ok) Interlocked.Increment(ref rejected.Value);
                    return ok;
                };
            });
        }));
        var app = builder.Build();
        app.MapGrpcService<StandInMachineService>();
        await app.StartAsync();
        return new ApidStandIn(app, nodes, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}", rejected)
            { Port = port };
    }

    private static bool ClientAuthOnly(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension>().SingleOrDefault() is { } eku
        && eku.EnhancedKeyUsages.Count == 1 && eku.EnhancedKeyUsages[0].Value == "1.3.6.1.5.5.7.3.2";

    /// <summary>A talosconfig for this stand-in, as `talosctl config` writes one (base64 PEMs).</summary>
    /// <param name="withNodes">False: as Talos writes one for a pod (no nodes; the client finds them).</param>
    /// <param name="extraEndpoints">More apid endpoints after this one (talosctl tries them in turn).</param>
    /// <param name="nodes">The nodes to name instead of the stand-in's own.</param>
    public string WriteTalosconfig(string dir, TestPki pki, string context = "lab", System.Security.Cryptography.X509Certificates.X509Certificate2? client = null, bool withNodes = true,
        IReadOnlyList<string>? extraEndpoints = null, IReadOnlyList<string>? nodes = null)
    {
        client ??= pki.Client;
        static string B64(string pem) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pem));
        var path = Path.Combine(dir, "talosconfig");
        File.WriteAllText(path, $"""
            context: {context}
            contexts:
              {context}:
                endpoints:
            {string.Join("\n", new[] { Endpoint }.Concat(extraEndpoints ?? []).Select(e => $"      - \"{e}\""))}
                nodes:{(withNodes ? "" : " []")}
            {(withNodes ? string.Join("\n", (nodes ?? Nodes.Names).Select(n => $"      - \"{n}\"")) : "")}
                ca: {B64(TestPki.CertificatePem(pki.Ca))}
                crt: {B64(TestPki.CertificatePem(client))}
                key: {B64(TestPki.KeyPem(client))}
            """);
        return path;
    }

    /// <summary>The port it listens on (plaintext when behind a proxy).</summary>
    public int Port { get; private init; }

    /// <summary>A talosconfig as Talos writes one: base64 PEMs, the given endpoint, and optionally no nodes.</summary>
    public static string WriteTalosconfig(string path, string endpoint, IReadOnlyList<string> nodes, string caPem, string certificatePem, string keyPem)
    {
        static string B64(string pem) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pem));
        File.WriteAllText(path, $"""
            context: default
            contexts:
              default:
                endpoints:
                  - {endpoint}
                nodes: [{string.Join(", ", nodes)}]
                ca: {B64(caPem)}
                crt: {B64(certificatePem)}
                key: {B64(keyPem)}
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Nodes.Dispose();
    }
}
