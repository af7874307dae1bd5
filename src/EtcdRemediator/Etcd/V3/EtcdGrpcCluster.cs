using EtcdRemediator.Etcd.Channels;
using EtcdRemediator.Etcd.Credentials;
using EtcdRemediator.Etcd.Wire;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace EtcdRemediator.Etcd.V3;

/// <summary>
/// <see cref="IEtcdCluster"/> over etcd's own v3 gRPC API. Calls about one member go to that
/// member's channel; calls any member can answer try the configured endpoints in order. Every call
/// carries a deadline, and the auth token when the cluster has auth enabled.
/// </summary>
internal sealed class EtcdGrpcCluster(EtcdAccess access, TimeSpan requestTimeout, TimeProvider time)
    : IEtcdCluster, IKeyValueAccess, IAsyncDisposable
{
    private readonly EtcdChannelPool _channels = new(access.Tls, access.CredentialFiles, time);
    private readonly EtcdAuthToken _auth = new(access.Login, time);
    private readonly List<string> _endpoints = [.. access.Endpoints.Select(EtcdEndpoint.Normalize)];

    public string Name => access.ClusterName;

    public IReadOnlyList<string> Endpoints => _endpoints;

    public string Backend => access.Backend;

    public IKeyValueAccess KeyValue => this;

    /// <summary>MoveLeader hands leadership to the member asked for.</summary>
    public EtcdMember? SuccessorOf(EtcdMember leader, EtcdMember preferred, IReadOnlyList<EtcdMember> members) => preferred;

    public CredentialException? CredentialProblem() => _channels.CredentialProblem();

    /// <summary>The cluster the configured endpoints answered as, once a member list was read (0 before).</summary>
    public ulong? ClusterId => _clusterId == 0 ? null : _clusterId;

    private ulong _clusterId;

    /// <summary>How long after the member list the endpoints' own answers are awaited (longer while one was never heard from).</summary>
    private static readonly TimeSpan IdentityWait = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FirstIdentityWait = TimeSpan.FromSeconds(2);

    /// <summary>What each configured endpoint last answered as: its cluster id and member id.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ulong ClusterId, ulong MemberId)> _identities = new();

    /// <summary>
    /// The member list, after every configured endpoint that answers has said it belongs to the same
    /// cluster and is one of its members (<see cref="ClusterIdentity"/>).
    /// </summary>
    public async Task<IReadOnlyList<EtcdMember>> ListMembersAsync(CancellationToken cancellationToken)
    {
        // Asked alongside the member list, so that a frozen endpoint costs at most IdentityWait more.
        using var identities = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var asked = _endpoints.Select(endpoint => IdentityOfAsync(endpoint, identities.Token)).ToList();
        var reply = await OnAnyEndpointAsync(
            (channel, headers, ct) =>
                new Cluster.ClusterClient(channel).MemberListAsync(new MemberListRequest(), headers, Deadline(), ct).ResponseAsync,
            cancellationToken, EtcdFailover.ReadHedge);
        // An endpoint never heard from yet gets longer; what each said is remembered, so a slow one is
        // still judged by its last answer rather than not at all.
        var firstTime = _endpoints.Any(e => !_identities.ContainsKey(e));
        await Task.WhenAny(Task.WhenAll(asked), Task.Delay(firstTime ? FirstIdentityWait : IdentityWait, time, cancellationToken));
        await identities.CancelAsync();
        foreach (var answer in asked.Where(t => t.IsCompletedSuccessfully && t.Result is not null).Select(t => t.Result!.Value))
            _identities[answer.Endpoint] = (answer.ClusterId, answer.MemberId);
        var known = _endpoints.Where(_identities.ContainsKey).Select(e => (e, _identities[e].ClusterId, _identities[e].MemberId)).ToList();
        ClusterIdentity.VerifyEndpoints(Name, reply.Header.ClusterId, known, reply.Members.Select(m => m.ID).ToHashSet());
        _clusterId = reply.Header.ClusterId;
        return [.. reply.Members.Select(m => new EtcdMember(m.ID, m.Name, MemberAddress.ClientUrl(ChooseEndpoint(m)), m.IsLearner))];
    }

    /// <summary>Which cluster and member a configured endpoint answers as; null when it does not answer (its member row says so).</summary>
    private async Task<(string Endpoint, ulong ClusterId, ulong MemberId)?> IdentityOfAsync(string endpoint, CancellationToken cancellationToken)
    {
        try
        {
            var channel = _channels.For(endpoint);
            var status = await _auth.CallAsync(channel, headers => new Maintenance.MaintenanceClient(channel)
                .StatusAsync(new StatusRequest(), headers, Deadline(), cancellationToken).ResponseAsync, cancellationToken);
            return (endpoint, status.Header.ClusterId, status.Header.MemberId);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            return null;
        }
    }

    public async Task<MemberStatus> GetStatusAsync(EtcdMember member, CancellationToken cancellationToken)
    {
        var s = await OnMemberAsync(member,
            (client, headers) => client.StatusAsync(new StatusRequest(), headers, Deadline(), cancellationToken).ResponseAsync, cancellationToken);
        ClusterIdentity.Verify(member, _clusterId, s.Header.ClusterId);
        return new MemberStatus(s.Header.MemberId, s.Version, s.DbSize, s.DbSizeInUse, s.Leader, s.RaftTerm, s.RaftIndex,
            s.RaftAppliedIndex, s.IsLearner, [.. s.Errors], s.DbSizeQuota);
    }

    public async Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(CancellationToken cancellationToken)
    {
        var reply = await OnAnyEndpointAsync(
            (channel, headers, ct) => new Maintenance.MaintenanceClient(channel)
                .AlarmAsync(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }, headers, Deadline(), ct).ResponseAsync,
            cancellationToken, EtcdFailover.ReadHedge);
        return [.. reply.Alarms.Where(a => a.Alarm != AlarmType.None).Select(a => new EtcdAlarm(a.MemberID, (AlarmKind)(int)a.Alarm))];
    }

    public Task DisarmAsync(EtcdAlarm alarm, CancellationToken cancellationToken) =>
        OnAnyEndpointAsync(
            (channel, headers, ct) => new Maintenance.MaintenanceClient(channel).AlarmAsync(
                new AlarmRequest
                {
                    Action = AlarmRequest.Types.AlarmAction.Deactivate,
                    MemberID = alarm.MemberId,
                    Alarm = (AlarmType)(int)alarm.Kind
                },
                headers, Deadline(), ct).ResponseAsync,
            cancellationToken);

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        // A linearizable count of one key: the answer's header carries the cluster's current revision.
        var reply = await OnAnyEndpointAsync(
            (channel, headers, ct) => new KV.KVClient(channel).RangeAsync(
                new RangeRequest { Key = ByteString.CopyFromUtf8("\0"), CountOnly = true }, headers, Deadline(), ct).ResponseAsync,
            cancellationToken);
        return reply.Header.Revision;
    }

    public Task CompactAsync(long revision, bool physical, TimeSpan timeout, CancellationToken cancellationToken) =>
        OnAnyEndpointAsync(
            (channel, headers, ct) => new KV.KVClient(channel).CompactAsync(
                new CompactionRequest { Revision = revision, Physical = physical }, headers, Deadline(timeout), ct).ResponseAsync,
            cancellationToken);

    public async Task<SnapshotStreamInfo> SnapshotAsync(EtcdMember member, Stream destination, TimeSpan stallTimeout,
        CancellationToken cancellationToken)
    {
        var channel = _channels.For(Reach(member));
        var headers = _auth.Enabled ? new Metadata { { "token", await _auth.TokenAsync(channel, null, cancellationToken) } } : null;
        ResponseHeader? first = null;
        string? version = null;
        long bytes = 0;
        await StallGuard.ReadAllAsync(
            ct => channel.CreateCallInvoker().AsyncServerStreamingCall(
                SnapshotChunk.Method, null, new CallOptions(headers, cancellationToken: ct), new SnapshotRequest()),
            async (chunk, ct) =>
            {
                using (chunk)
                {
                    if (first is null && chunk.Header is { } header)
                    {
                        // 3.5+ names the member in the first message (3.4 sends no header): before a byte is kept.
                        MemberIdentity.Verify(member, header.MemberId);
                        ClusterIdentity.Verify(member, _clusterId, header.ClusterId);
                        first = header;
                    }
                    if (!string.IsNullOrEmpty(chunk.Version)) version = chunk.Version;
                    await destination.WriteAsync(chunk.Blob, ct);
                    bytes += chunk.BlobLength;
                }
            },
            stallTimeout, time,
            e => new TimeoutException(
                $"snapshot stream from member {member.HexId} ({member.Address.Value}) sent nothing for {stallTimeout.TotalSeconds:0} s", e),
            cancellationToken);
        return new SnapshotStreamInfo(first?.MemberId ?? member.Id, first?.Revision, bytes, version, first?.ClusterId ?? ClusterId);
    }

    public async Task DefragmentAsync(EtcdMember member, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = await OnMemberAsync(member,
            (client, headers) => client.DefragmentAsync(new DefragmentRequest(), headers, Deadline(timeout), cancellationToken).ResponseAsync,
            cancellationToken);
        MemberIdentity.Verify(member, reply.Header?.MemberId ?? 0);
        ClusterIdentity.Verify(member, _clusterId, reply.Header?.ClusterId ?? 0);
    }

    public async Task<Handover> MoveLeadershipAsync(EtcdMember leader, EtcdMember preferred, CancellationToken cancellationToken)
    {
        var reply = await OnMemberAsync(leader,
            (client, headers) =>
                client.MoveLeaderAsync(new MoveLeaderRequest { TargetID = preferred.Id }, headers, Deadline(), cancellationToken).ResponseAsync,
            cancellationToken);
        MemberIdentity.Verify(leader, reply.Header?.MemberId ?? 0);
        return Handover.ToPreferred;
    }

    public async Task<long?> ReadQuotaAsync(EtcdMember member, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        try
        {
            var text = await _channels.HttpFor(Reach(member)).GetStringAsync("/metrics", timeout.Token);
            return EtcdMetrics.QuotaBackendBytes(text);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null; // metrics served elsewhere (--listen-metrics-urls) or refused: the caller falls back and says so.
        }
    }

    private Task<T> OnMemberAsync<T>(EtcdMember member, Func<Maintenance.MaintenanceClient, Metadata?, Task<T>> call,
        CancellationToken cancellationToken)
    {
        var channel = _channels.For(Reach(member));
        return _auth.CallAsync(channel, headers => call(new Maintenance.MaintenanceClient(channel), headers), cancellationToken);
    }

    /// <summary>The configured endpoints use TLS: nothing may travel in plaintext (the scheme is never changed from the configured one).</summary>
    private bool Secure => _endpoints.Any(e => e.StartsWith("https://", StringComparison.Ordinal));

    /// <summary>
    /// The member's address, unless reaching it would drop TLS: a member that advertises an http://
    /// client URL while the configured endpoints are https:// (or etcd auth is on) would receive
    /// status, defragment, snapshot (every Secret of the cluster) and the auth token in plaintext.
    /// With http:// endpoints configured (a choice made in the configuration) nothing changes.
    /// </summary>
    private string Reach(EtcdMember member) =>
        Secure && member.Address.Value.StartsWith("http://", StringComparison.Ordinal)
            ? throw new UnsafeOperationException(
                $"member {member.Name} ({member.HexId}) advertises {member.Address.Value}, plain HTTP, while the configured endpoints use TLS: " +
                "not reached without TLS (the auth token and snapshots would travel in plaintext). " +
                "Fix its --advertise-client-urls, or configure its https:// URL")
            : member.Address.Value;

    private DateTime Deadline(TimeSpan? timeout = null) => time.GetUtcNow().UtcDateTime + (timeout ?? requestTimeout);

    /// <summary>
    /// Prefer the member's client URL that the operator configured (it is known to be reachable from
    /// here), else the first one it advertises. A member added but not yet started advertises none.
    /// </summary>
    private string ChooseEndpoint(Member m)
    {
        var urls = m.ClientURLs.Select(EtcdEndpoint.Normalize).ToList();
        // With TLS configured, an https URL the member also advertises wins over a plaintext one.
        return urls.FirstOrDefault(_endpoints.Contains)
            ?? (Secure ? urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal)) : null)
            ?? urls.FirstOrDefault() ?? "";
    }

    private Task<T> OnAnyEndpointAsync<T>(Func<GrpcChannel, Metadata?, CancellationToken, Task<T>> call, CancellationToken cancellationToken,
        TimeSpan? hedgeAfter = null) =>
        EtcdFailover.FirstAnswerAsync(Name, _endpoints,
            endpoint =>
            {
                var channel = _channels.For(endpoint);
                return _auth.CallAsync(channel, headers => call(channel, headers, cancellationToken), cancellationToken);
            },
            (endpoint, e) => $"{endpoint}: {EtcdErrors.Describe(e)}", cancellationToken, hedgeAfter, time: time);

    public ValueTask DisposeAsync() => _channels.DisposeAsync();
}
