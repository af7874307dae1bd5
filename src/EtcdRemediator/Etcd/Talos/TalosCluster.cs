using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd.Channels;
using EtcdRemediator.Etcd.Credentials;
using EtcdRemediator.Etcd.Talos.Wire;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace EtcdRemediator.Etcd.Talos;

/// <summary>
/// <see cref="IEtcdCluster"/> through Talos' apid, as `talosctl etcd ...` does: every call names
/// one node in the `node` metadata, and the reply's per-node message is unwrapped; a node's
/// `metadata.error` becomes an error that names the node. A member's address is its node.
/// The Talos API has no key-value access: no compaction and no revision (the Kubernetes API server
/// compacts on its own every few minutes).
/// </summary>
internal sealed class TalosCluster(ClusterOptions options, TalosConnection connection, TimeSpan requestTimeout, TimeProvider time)
    : IEtcdCluster, IAsyncDisposable
{
    private readonly EtcdChannelPool _channels = new(connection.Tls, connection.CredentialFiles, time, EtcdKeepAlive.Apid);
    private readonly IReadOnlyList<string> _configured = [.. connection.Nodes.Select(TalosNodeMap.NodeName)];
    private readonly TalosNodeMap _nodes = new([.. connection.Nodes.Select(TalosNodeMap.NodeName)]);

    public string Name => options.Name;

    public IReadOnlyList<string> Endpoints => Nodes;

    /// <summary>
    /// The control-plane nodes: as configured, or (an in-cluster talosconfig names none) those that
    /// claimed a member when asked; kept current by every member list.
    /// </summary>
    private IReadOnlyList<string> Nodes => _configured.Count > 0 ? _configured : _nodes.Claimed;

    public string Backend => "Talos";

    /// <summary>The machine API has no key-value access: no revision, no compaction.</summary>
    public IKeyValueAccess? KeyValue => null;

    /// <summary>
    /// The member list, each member with the node that claimed it when asked. A member no node claims
    /// is shown at the host it advertises; every call for it fails, naming the nodes asked.
    /// </summary>
    public async Task<IReadOnlyList<EtcdMember>> ListMembersAsync(CancellationToken cancellationToken)
    {
        var members = await OnAnyNodeAsync<IReadOnlyList<Wire.EtcdMember>>(async node =>
        {
            var reply = await CallAsync("EtcdMemberList", node,
                (client, call) => client.EtcdMemberListAsync(new EtcdMemberListRequest(), call).ResponseAsync, cancellationToken);
            return [.. Unwrap(node, reply.Messages, m => m.Metadata).Members];
        }, cancellationToken);
        await _nodes.RefreshAsync(members, async node => (await StatusOfAsync(node, cancellationToken)).MemberId);
        return [.. members.Select(m => new EtcdMember(m.Id, m.Hostname, MemberAddress.TalosNode(_nodes.NodeOf(m.Id) ?? Advertised(m)), m.IsLearner))];
    }

    /// <summary>
    /// Asked of the node that claimed the member; a node that answers for another member (an address
    /// moved to another machine) is forgotten and the nodes asked afresh, once.
    /// </summary>
    public async Task<MemberStatus> GetStatusAsync(EtcdMember member, CancellationToken cancellationToken)
    {
        var node = await NodeOfAsync(member.Id, member.Name, cancellationToken);
        var s = await StatusOfAsync(node, cancellationToken);
        if (s.MemberId != member.Id)
        {
            _nodes.Forget(member.Id, node);
            s = await StatusOfAsync(await NodeOfAsync(member.Id, member.Name, cancellationToken), cancellationToken);
        }
        return new MemberStatus(s.MemberId, s.ProtocolVersion, s.DbSize, s.DbSizeInUse, s.Leader, s.RaftTerm, s.RaftIndex,
            s.RaftAppliedIndex, s.IsLearner, [.. s.Errors], 0);
    }

    /// <summary>What a node's etcd says of itself: its own member id first of all.</summary>
    private async Task<EtcdMemberStatus> StatusOfAsync(string node, CancellationToken cancellationToken)
    {
        var reply = await CallAsync("EtcdStatus", node,
            (client, call) => client.EtcdStatusAsync(new Empty(), call).ResponseAsync, cancellationToken);
        return Unwrap(node, reply.Messages, m => m.Metadata).MemberStatus;
    }

    public Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(CancellationToken cancellationToken) =>
        OnAnyNodeAsync<IReadOnlyList<EtcdAlarm>>(async node =>
        {
            var reply = await CallAsync("EtcdAlarmList", node,
                (client, call) => client.EtcdAlarmListAsync(new Empty(), call).ResponseAsync, cancellationToken);
            return [.. Unwrap(node, reply.Messages, m => m.Metadata).MemberAlarms
                .Where(a => a.Alarm != EtcdMemberAlarm.Types.AlarmType.None)
                .Select(a => new EtcdAlarm(a.MemberId, (AlarmKind)(int)a.Alarm))];
        }, cancellationToken);

    /// <summary>
    /// Talos' EtcdAlarmDisarm deactivates every alarm of every member, CORRUPT included, not the one
    /// asked for. So it is called only while the alarms listed just before are NOSPACE alone; with any
    /// other alarm present nothing is disarmed and the caller hears why. Once NOSPACE is gone (an
    /// earlier call cleared it for all members) there is nothing left to do.
    /// </summary>
    public async Task DisarmAsync(EtcdAlarm alarm, CancellationToken cancellationToken)
    {
        var active = await ListAlarmsAsync(cancellationToken);
        if (active.FirstOrDefault(a => a.Kind != AlarmKind.NoSpace) is { } other)
            throw new UnsafeOperationException(
                $"not disarming through Talos: EtcdAlarmDisarm clears every alarm of the cluster, " +
                $"and {other.Name} is active on member {MemberId.ToHex(other.MemberId)}. " +
                "Deal with that first; disarm NOSPACE alone with etcdctl alarm disarm if you must");
        if (!active.Any(a => a.Kind == AlarmKind.NoSpace && a.MemberId == alarm.MemberId)) return;
        var node = await NodeOfAsync(alarm.MemberId, "", cancellationToken);
        var reply = await CallAsync("EtcdAlarmDisarm", node,
            (client, call) => client.EtcdAlarmDisarmAsync(new Empty(), call).ResponseAsync, cancellationToken);
        Unwrap(node, reply.Messages, m => m.Metadata);
    }

    public async Task<SnapshotStreamInfo> SnapshotAsync(EtcdMember member, Stream destination, TimeSpan stallTimeout,
        CancellationToken cancellationToken)
    {
        // Never without a node header: apid would answer for its own node, another member's data under this member's id.
        var node = await NodeOfAsync(member.Id, member.Name, cancellationToken);
        long bytes = 0;
        try
        {
            await StallGuard.ReadAllAsync(
                ct => Client().EtcdSnapshot(new EtcdSnapshotRequest(), For(node, null, ct)),
                async (chunk, ct) =>
                {
                    if (!string.IsNullOrEmpty(chunk.Metadata?.Error)) throw NodeError(node, chunk.Metadata.Error);
                    await destination.WriteAsync(chunk.Bytes.Memory, ct);
                    bytes += chunk.Bytes.Length;
                },
                stallTimeout, time,
                e => new TimeoutException($"snapshot stream from node {node} sent nothing for {stallTimeout.TotalSeconds:0} s", e),
                cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, TalosRoles.Explain("EtcdSnapshot")));
        }
        return new SnapshotStreamInfo(member.Id, Revision: null, bytes, null); // Talos names no revision
    }

    public async Task DefragmentAsync(EtcdMember member, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var node = await NodeOfAsync(member.Id, member.Name, cancellationToken);
        var reply = await CallAsync("EtcdDefragment", node,
            (client, call) => client.EtcdDefragmentAsync(new Empty(), call).ResponseAsync, cancellationToken, timeout);
        Unwrap(node, reply.Messages, m => m.Metadata);
    }

    /// <summary>apid forwards no metrics, and Talos' etcd status carries no quota: the configured value stands.</summary>
    public Task<long?> ReadQuotaAsync(EtcdMember member, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    /// <summary>
    /// machined's EtcdForfeitLeadership hands leadership to the first other member of the member list,
    /// learners and unhealthy members included (siderolabs/talos internal/pkg/etcd), whoever we prefer.
    /// </summary>
    public EtcdMember? SuccessorOf(EtcdMember leader, EtcdMember preferred, IReadOnlyList<EtcdMember> members) =>
        members.FirstOrDefault(m => m.Id != leader.Id);

    public async Task<Handover> MoveLeadershipAsync(EtcdMember leader, EtcdMember preferred, CancellationToken cancellationToken)
    {
        var node = await NodeOfAsync(leader.Id, leader.Name, cancellationToken);
        var reply = await CallAsync("EtcdForfeitLeadership", node,
            (client, call) => client.EtcdForfeitLeadershipAsync(new EtcdForfeitLeadershipRequest(), call).ResponseAsync, cancellationToken);
        // machined names the member that now leads, or nothing when this node did not lead (any more).
        if (Unwrap(node, reply.Messages, m => m.Metadata).Member is { Length: > 0 }) return Handover.ToFirstInList;
        var now = await GetStatusAsync(leader, cancellationToken);
        if (now.Leader == leader.Id)
            throw NodeError(node, "EtcdForfeitLeadership moved nothing: the node still leads");
        return Handover.AlreadyMoved;
    }

    /// <summary>
    /// Calls any control-plane node can answer; node errors already name their node. With no node known
    /// yet, apid itself answers (no node header): how discovery starts. A worker runs no etcd and answers
    /// Unimplemented: the next node is asked, as for one that is down.
    /// </summary>
    private Task<T> OnAnyNodeAsync<T>(Func<string, Task<T>> call, CancellationToken cancellationToken) =>
        EtcdFailover.FirstAnswerAsync(Name, Nodes.Count > 0 ? Nodes : [ApidItself], call,
            (node, e) => node == ApidItself ? EtcdErrors.Describe(e) : $"node {node}: {EtcdErrors.Describe(e)}",
            cancellationToken, tryNext: e => EtcdErrors.IsTransient(e) || e.StatusCode == StatusCode.Unimplemented, time: time);

    /// <summary>No node header: the apid that receives the call answers for its own node.</summary>
    private const string ApidItself = "";

    private MachineService.MachineServiceClient Client() => new(_channels.For(connection.Endpoints[0]));

    /// <summary>
    /// One node per call in the single-valued `node` header (Talos 1.2+; the multi-valued `nodes`
    /// is deprecated): apid proxies the call to that node and returns its answer as is. A snapshot has
    /// no deadline (it is bounded by progress); every other call has one.
    /// </summary>
    private static CallOptions For(string node, DateTime? deadline, CancellationToken cancellationToken) =>
        new(node == ApidItself ? [] : new Grpc.Core.Metadata { { "node", node } }, deadline, cancellationToken);

    /// <summary>
    /// Tries the next apid endpoint only while none could be connected to: any other failure (apid
    /// answers Unavailable for its target node's own failure too) may come after the node acted, and a
    /// defragment, disarm or forfeit is never sent twice; the caller re-reads instead.
    /// </summary>
    private async Task<T> CallAsync<T>(string method, string node, Func<MachineService.MachineServiceClient, CallOptions, Task<T>> call,
        CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        if (node == ApidItself && method is not ("EtcdMemberList" or "EtcdAlarmList"))
            throw NodeError("(none)", "no configured Talos node serves this member");
        RpcException? last = null;
        foreach (var endpoint in connection.Endpoints)
        {
            try
            {
                return await call(new MachineService.MachineServiceClient(_channels.For(endpoint)),
                    For(node, time.GetUtcNow().UtcDateTime + (timeout ?? requestTimeout), cancellationToken));
            }
            catch (RpcException e) when (EtcdErrors.NeverReached(e) && !cancellationToken.IsCancellationRequested)
            {
                last = e;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, TalosRoles.Explain(method)));
            }
        }
        throw last!;
    }

    /// <summary>The node's own message, or its error (apid reports a node's failure inside a successful reply).</summary>
    private static T Unwrap<T>(string node, IEnumerable<T> messages, Func<T, Wire.Metadata?> metadata)
    {
        var message = messages.FirstOrDefault() ?? throw NodeError(node, "apid returned no message for the node");
        if (metadata(message) is { Error.Length: > 0 } m) throw NodeError(node, m.Error);
        return message;
    }

    private static RpcException NodeError(string node, string error) => new(new Status(StatusCode.Unavailable, $"node {node}: {error}"));

    /// <summary>Where an unclaimed member says it is: the host of its first client (else peer) URL; none for an unstarted learner.</summary>
    private static string Advertised(Wire.EtcdMember member) =>
        member.ClientUrls.Concat(member.PeerUrls).Select(url => Uri.TryCreate(url, UriKind.Absolute, out var u) ? TalosNodeMap.NodeName(u.Host) : "")
            .FirstOrDefault(h => h.Length > 0) ?? "";

    /// <summary>The node that claimed the member; when none has, the member list is read again (and the nodes asked).</summary>
    private async Task<string> NodeOfAsync(ulong member, string name, CancellationToken cancellationToken)
    {
        if (_nodes.NodeOf(member) is { } known) return known;
        await ListMembersAsync(cancellationToken);
        return _nodes.NodeOf(member) ?? throw new RpcException(new Status(StatusCode.Unavailable, _nodes.Unclaimed(member, name)));
    }

    public CredentialException? CredentialProblem() => _channels.CredentialProblem();

    /// <summary>machined's replies carry no etcd header: the cluster id is not known here.</summary>
    public ulong? ClusterId => null;

    public ValueTask DisposeAsync() => _channels.DisposeAsync();
}
