using EtcdRemediator.IntegrationTests.Wire;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Maintenance = EtcdRemediator.Etcd.Wire.Maintenance;
using StatusRequest = EtcdRemediator.Etcd.Wire.StatusRequest;
using StatusResponse = EtcdRemediator.Etcd.Wire.StatusResponse;

namespace EtcdRemediator.IntegrationTests.Etcd;

internal sealed record EtcdTestClusterOptions
{
    public int Members { get; init; } = 3;
    /// <summary>etcd's --quota-backend-bytes; small values make NOSPACE reachable in seconds.</summary>
    public long? QuotaBackendBytes { get; init; }
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
    /// <summary>Serve clients over https with these PEM files, requiring client certificates from the CA.</summary>
    public (string Ca, string Cert, string Key)? ClientTls { get; init; }
    /// <summary>The fixture's own client certificate for such a cluster; the server's own when not given.</summary>
    public (string Ca, string Cert, string Key)? FixtureClient { get; init; }
    /// <summary>The fixture's own client checks only that the server's certificate chains to the CA (not its key usage): for a test of a server certificate the service must refuse.</summary>
    public bool FixtureTrustsAnyServer { get; init; }
    /// <summary>What member i advertises as its client URL instead of its own (a copied flag, a reused address).</summary>
    public Func<int, IReadOnlyList<EtcdTestMember>, string?>? AdvertiseClientUrl { get; init; }
    /// <summary>Member i serves clients on 127.0.0.(i+2), as Talos nodes have addresses of their own.</summary>
    public bool LoopbackAddressPerMember { get; init; }
    /// <summary>Member i's --name instead of m{i} (its data directory and log file keep m{i}): a name with control characters, say.</summary>
    public Func<int, string>? MemberName { get; init; }
}

/// <summary>
/// A real N-member etcd cluster (Debian's etcd, or $ETCD_BIN) on free loopback ports in a temporary
/// directory. Disposing it kills every member and removes the directory, whatever the test did.
/// </summary>
internal sealed class EtcdTestCluster : IAsyncDisposable
{
    public const string TempPrefix = "etcdrem-it-";
    public const int ValueSize = 10 * 1024;

    private readonly EtcdTestClusterOptions _options;
    private readonly Dictionary<string, GrpcChannel> _channels = [];
    private readonly string _binary;

    private EtcdTestCluster(EtcdTestClusterOptions options)
    {
        _options = options;
        _binary = Environment.GetEnvironmentVariable("ETCD_BIN") is { Length: > 0 } bin ? bin : "etcd";
        Root = Directory.CreateTempSubdirectory(TempPrefix).FullName;
        Members = [.. Enumerable.Range(0, options.Members).Select(i =>
            new EtcdTestMember(options.MemberName?.Invoke(i) ?? $"m{i}", FreePorts.Next(), FreePorts.Next(), Path.Combine(Root, $"m{i}"), options.ClientTls is null ? "http" : "https",
                options.LoopbackAddressPerMember ? $"127.0.0.{i + 2}" : "127.0.0.1"))];
    }

    public string Root { get; }

    /// <summary>
    /// A folder of the test's own (a service's data, a talosconfig, a password file) inside <see cref="Root"/>: removed
    /// with the cluster, after whatever the test declared after the cluster has been disposed.
    /// </summary>
    public string ScratchDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public IReadOnlyList<EtcdTestMember> Members { get; }
    public IReadOnlyList<string> Endpoints => [.. Members.Select(m => m.ClientUrl)];

    public static async Task<EtcdTestCluster> StartAsync(EtcdTestClusterOptions? options = null)
    {
        var cluster = new EtcdTestCluster(options ?? new EtcdTestClusterOptions());
        try
        {
            for (var i = 0; i < cluster.Members.Count; i++) cluster.StartProcess(i);
            await cluster.WaitForLeaderAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private void StartProcess(int index)
    {
        var m = Members[index];
        var initialCluster = string.Join(",", Members.Select(x => $"{x.Name}={x.PeerUrl}"));
        List<string> args =
        [
            "--name", m.Name, "--data-dir", m.DataDir,
            "--listen-client-urls", m.ClientUrl, "--advertise-client-urls", _options.AdvertiseClientUrl?.Invoke(index, Members) ?? m.ClientUrl,
            "--listen-peer-urls", m.PeerUrl, "--initial-advertise-peer-urls", m.PeerUrl,
            "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
            "--initial-cluster-token", Path.GetFileName(Root),
            "--logger", "zap", "--log-outputs", "stderr",
        ];
        if (_options.QuotaBackendBytes is { } quota) args.AddRange(["--quota-backend-bytes", quota.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (_options.ClientTls is { } tls)
            args.AddRange(["--client-cert-auth", "--trusted-ca-file", tls.Ca, "--cert-file", tls.Cert, "--key-file", tls.Key]);
        // The suite's data is thrown away and its members are killed, never their machine: a write in the page cache
        // survives a SIGKILL, so fsync buys these clusters nothing and costs the suite waiting on the disk (four defragmenting
        // classes: 55 -> 50 s, etcd CPU -5 %). etcd 3.5 on; 3.4 lacks the flag.
        if (!EtcdUnderTest.Is34) args.Add("--unsafe-no-fsync");
        args.AddRange(_options.ExtraArguments);
        m.Start(_binary, args, Path.Combine(Root, $"m{index}.log"));
    }

    /// <summary>Waits until every running member reports the same leader; returns its member id.</summary>
    public async Task<ulong> WaitForLeaderAsync(TimeSpan? timeout = null)
    {
        var running = Members.Select((m, i) => (m, i)).Where(x => x.m.IsRunning).Select(x => x.i).ToList();
        var leaders = await Poll.UntilAsync(
            async () => await Task.WhenAll(running.Select(async i => (await StatusAsync(i)).Leader)),
            ids => ids.All(id => id != 0) && ids.Distinct().Count() == 1,
            timeout ?? TimeSpan.FromSeconds(30), "an agreed etcd leader");
        return leaders[0];
    }

    public async Task<StatusResponse> StatusAsync(int member) =>
        await new Maintenance.MaintenanceClient(Channel(Members[member].ClientUrl))
            .StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));

    public async Task<int> LeaderIndexAsync()
    {
        var leader = await WaitForLeaderAsync();
        for (var i = 0; i < Members.Count; i++)
            if (Members[i].IsRunning && (await StatusAsync(i)).Header.MemberId == leader) return i;
        throw new InvalidOperationException("leader is not one of our members");
    }

    /// <summary>Asks the current leader to hand leadership to member <paramref name="target"/>; waits until all agree.</summary>
    public async Task MoveLeaderAsync(int target)
    {
        var leader = await LeaderIndexAsync();
        if (leader == target) return;
        var targetId = (await StatusAsync(target)).Header.MemberId;
        await new Maintenance.MaintenanceClient(Channel(Members[leader].ClientUrl))
            .MoveLeaderAsync(new EtcdRemediator.Etcd.Wire.MoveLeaderRequest { TargetID = targetId }, deadline: DateTime.UtcNow.AddSeconds(10));
        await Poll.UntilAsync(async () => await WaitForLeaderAsync() == targetId, TimeSpan.FromSeconds(10), $"{Members[target].Name} to lead");
    }

    /// <summary>Adds a learner that never starts (etcdctl member add --learner): listed, with no client URL.</summary>
    /// etcd refuses a new member until every member has been up a few seconds ("unhealthy cluster"): asked again until it takes it.
    public async Task AddUnstartedLearnerAsync(string name)
    {
        var peer = $"--peer-urls=http://127.0.0.1:{FreePorts.Next()}";
        await Poll.UntilAsync(async () => await Tools.RunAsync("etcdctl", "--endpoints", Endpoints[0], "member", "add", name, "--learner", peer),
            r => r.ExitCode == 0, TimeSpan.FromSeconds(30), "etcd to accept a learner");
    }

    /// <summary>Raises an alarm for member <paramref name="member"/> through etcd's own Alarm API (ACTIVATE).</summary>
    public async Task ActivateAlarmAsync(int member, EtcdRemediator.Etcd.Wire.AlarmType alarm)
    {
        var id = (await StatusAsync(member)).Header.MemberId;
        await new Maintenance.MaintenanceClient(Channel(Members.First(m => m.IsRunning).ClientUrl)).AlarmAsync(
            new EtcdRemediator.Etcd.Wire.AlarmRequest { Action = EtcdRemediator.Etcd.Wire.AlarmRequest.Types.AlarmAction.Activate, MemberID = id, Alarm = alarm },
            deadline: DateTime.UtcNow.AddSeconds(10));
    }

    public Task StopMemberAsync(int index) => Members[index].StopAsync();

    public async Task StartMemberAsync(int index)
    {
        StartProcess(index);
        await WaitForLeaderAsync();
    }

    public async Task PutAsync(string key, string value) =>
        await Kv().PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) }, deadline: DateTime.UtcNow.AddSeconds(10));

    /// <summary>A put to one member's endpoint, with its own deadline: for writers that fail over themselves.</summary>
    public async Task PutAtAsync(int member, string key, string value, TimeSpan deadline) =>
        await new KV.KVClient(Channel(Members[member].ClientUrl)).PutAsync(
            new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) }, deadline: DateTime.UtcNow + deadline);

    /// <summary>Every key under <paramref name="prefix"/> (keys only), read linearizably.</summary>
    public async Task<HashSet<string>> KeysAsync(string prefix)
    {
        var reply = await Kv().RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = PrefixEnd(prefix) },
            deadline: DateTime.UtcNow.AddSeconds(30));
        return [.. reply.Kvs.Select(kv => kv.Key.ToStringUtf8())];
    }

    public async Task<string?> GetAsync(string key)
    {
        var reply = await Kv().RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, deadline: DateTime.UtcNow.AddSeconds(10));
        return reply.Kvs.Count == 0 ? null : reply.Kvs[0].Value.ToStringUtf8();
    }

    /// <summary>Writes <paramref name="count"/> values of 10 KB under <paramref name="prefix"/>, 100 per transaction.</summary>
    public async Task WriteAsync(string prefix, int count, int batch = 100)
    {
        var value = ByteString.CopyFrom(new byte[ValueSize].Select((_, i) => (byte)('a' + (i % 26))).ToArray());
        for (var start = 0; start < count; start += batch)
        {
            var txn = new TxnRequest();
            for (var i = start; i < Math.Min(count, start + batch); i++)
                txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"{prefix}{i:D7}"), Value = value } });
            await Kv().TxnAsync(txn, deadline: DateTime.UtcNow.AddSeconds(30));
        }
    }

    public async Task<long> DeletePrefixAsync(string prefix)
    {
        var reply = await Kv().DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = PrefixEnd(prefix) },
            deadline: DateTime.UtcNow.AddSeconds(30));
        return reply.Deleted;
    }

    /// <summary>Compacts away all history so deleted values become free pages inside bbolt.</summary>
    public async Task CompactAsync()
    {
        var revision = (await Kv().RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("\0"), CountOnly = true })).Header.Revision;
        await Kv().CompactAsync(new CompactionRequest { Revision = revision, Physical = true }, deadline: DateTime.UtcNow.AddSeconds(60));
    }

    /// <summary>
    /// Real fragmentation: ~<paramref name="megabytes"/> MB of 10 KB values written, deleted and
    /// compacted. The files keep their size; what is in use drops to almost nothing.
    /// </summary>
    public async Task FragmentAsync(int megabytes = 24, string keep = "keep/")
    {
        await WriteAsync(keep, 50);
        await WriteAsync("frag/", megabytes * 1024 * 1024 / ValueSize);
        await DeletePrefixAsync("frag/");
        await CompactAsync();
        await WaitForCompactionEverywhereAsync(fragmented: true);
    }

    /// <summary>
    /// A physical compaction returns once the member that took the request has compacted; the others
    /// apply it in their own time. Until they have, their free pages are not free yet and a planner
    /// would (rightly) skip them: wait until every running member's in-use size has come down to
    /// within 1 MiB + 10 % of the smallest. bbolt releases freed pages only when a later write
    /// transaction commits, so each look also writes one small key, as a live cluster would.
    /// </summary>
    /// <param name="fragmented">Also until every member shows at least half its file free: equal
    /// sizes alone are also what no member having applied the compaction yet looks like (seen on a
    /// loaded machine on etcd 3.4: a plan of 2 members where the test made 3 fragmented).</param>
    public async Task WaitForCompactionEverywhereAsync(bool fragmented = false)
    {
        var running = Members.Select((m, i) => (m, i)).Where(x => x.m.IsRunning).Select(x => x.i).ToList();
        var tick = 0;
        await Poll.UntilAsync(
            async () =>
            {
                await PutAsync("fixture/tick", (tick++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return await Task.WhenAll(running.Select(async i => await StatusAsync(i)));
            },
            statuses => statuses.Max(s => s.DbSizeInUse) <= statuses.Min(s => s.DbSizeInUse) * 1.1 + 1024 * 1024
                        && (!fragmented || statuses.All(s => s.DbSizeInUse * 2 <= s.DbSize)),
            TimeSpan.FromSeconds(30), "every member to apply the compaction (in use per member)");
    }

    /// <summary>Writes until etcd refuses with "database space exceeded"; returns how many values went in.</summary>
    public async Task<int> FillUntilNoSpaceAsync(string prefix = "fill/", int maxValues = 100_000)
    {
        for (var written = 0; written < maxValues; written += 20)
        {
            try
            {
                await WriteAsync($"{prefix}{written:D7}-", 20, batch: 20);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                return written;
            }
        }
        throw new InvalidOperationException($"etcd took {maxValues} values without raising NOSPACE; is the quota set?");
    }

    private KV.KVClient Kv()
    {
        var running = Members.First(m => m.IsRunning);
        return new KV.KVClient(Channel(running.ClientUrl));
    }

    private GrpcChannel Channel(string url)
    {
        lock (_channels)
        {
            if (!_channels.TryGetValue(url, out var channel))
                _channels[url] = channel = _options.ClientTls is { } tls ? TlsChannel(url, _options.FixtureClient ?? tls) : GrpcChannel.ForAddress(url);
            return channel;
        }
    }

    /// <summary>
    /// The fixture's own client for an mTLS cluster (setup writes only): the same certificate the
    /// service is given, ECDSA or Ed25519. Tests judge the service by etcd's logs and etcdctl, not by this.
    /// </summary>
    private GrpcChannel TlsChannel(string url, (string Ca, string Cert, string Key) tls)
    {
        if (_options.FixtureTrustsAnyServer)
        {
            var material = EtcdRemediator.Etcd.Credentials.TlsMaterial.FromFiles(new EtcdRemediator.Configuration.TlsOptions { CaFile = tls.Ca, CertFile = tls.Cert, KeyFile = tls.Key });
            return GrpcChannel.ForAddress(url, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    SslOptions = new System.Net.Security.SslClientAuthenticationOptions
                    {
                        ClientCertificates = [material.ClientCertificate!],
                        RemoteCertificateValidationCallback = (_, presented, _, _) => ChainsTo(material.Cas![0], presented),
                    },
                },
            });
        }
        _tlsPool ??= new EtcdRemediator.Etcd.Channels.EtcdChannelPool(() =>
            EtcdRemediator.Etcd.Credentials.TlsMaterial.FromFiles(new EtcdRemediator.Configuration.TlsOptions { CaFile = tls.Ca, CertFile = tls.Cert, KeyFile = tls.Key }));
        return _tlsPool.For(url);
    }

    private EtcdRemediator.Etcd.Channels.EtcdChannelPool? _tlsPool;

    private static bool ChainsTo(System.Security.Cryptography.X509Certificates.X509Certificate2 ca, System.Security.Cryptography.X509Certificates.X509Certificate? presented)
    {
        if (presented is null) return false;
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        using var certificate = new System.Security.Cryptography.X509Certificates.X509Certificate2(presented);
        return chain.Build(certificate);
    }

    private static ByteString PrefixEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members) await member.StopAsync();
        lock (_channels)
        {
            foreach (var channel in _channels.Values.Where(_ => _tlsPool is null)) channel.Dispose();
            _channels.Clear();
        }
        if (_tlsPool is not null) await _tlsPool.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
