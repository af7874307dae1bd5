using EtcdRemediator.Etcd.Credentials;
namespace EtcdRemediator.Etcd;

/// <summary>
/// The operations the pipeline needs of one etcd cluster, and nothing more. Calls that name a
/// member reach that member itself, never a load-balanced endpoint. What only some backends can do
/// is a capability of its own (<see cref="KeyValue"/>), never a method that throws.
/// </summary>
internal interface IEtcdCluster
{
    string Name { get; }

    /// <summary>How the service reaches the cluster, for people: "Etcd" (gRPC) or "Talos" (apid).</summary>
    string Backend { get; }

    /// <summary>The configured endpoints, for reporting when no member list can be had.</summary>
    IReadOnlyList<string> Endpoints { get; }

    /// <summary>The key space (revision, compaction), where the backend reaches it: etcd's own API
    /// does; Talos' machine API does not (the Kubernetes API server compacts there).</summary>
    IKeyValueAccess? KeyValue { get; }

    Task<IReadOnlyList<EtcdMember>> ListMembersAsync(CancellationToken cancellationToken);

    Task<MemberStatus> GetStatusAsync(EtcdMember member, CancellationToken cancellationToken);

    Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(CancellationToken cancellationToken);

    Task DisarmAsync(EtcdAlarm alarm, CancellationToken cancellationToken);

    /// <summary>
    /// Streams a snapshot of <paramref name="member"/> into <paramref name="destination"/>, etcd's
    /// sha256 trailer included. Bounded by progress: a stream silent for <paramref name="stallTimeout"/> fails.
    /// </summary>
    Task<SnapshotStreamInfo> SnapshotAsync(EtcdMember member, Stream destination, TimeSpan stallTimeout, CancellationToken cancellationToken);

    /// <summary>Blocks until the member has rewritten its database, or <paramref name="timeout"/> passes.</summary>
    Task DefragmentAsync(EtcdMember member, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// The member's --quota-backend-bytes, or null where the backend cannot tell (etcd 3.6 reports it
    /// in its status; 3.4 and 3.5 publish it as a metric on the client URL).
    /// </summary>
    Task<long?> ReadQuotaAsync(EtcdMember member, CancellationToken cancellationToken);

    /// <summary>
    /// Asks <paramref name="leader"/> to give up leadership, to <paramref name="preferred"/> where the
    /// backend can name a successor; the answer says which happened. Who leads afterwards is for the
    /// caller to read: an election may still be under way.
    /// </summary>
    Task<Handover> MoveLeadershipAsync(EtcdMember leader, EtcdMember preferred, CancellationToken cancellationToken);

    /// <summary>
    /// Who <see cref="MoveLeadershipAsync"/> would hand leadership to, of <paramref name="members"/> in
    /// member-list order: the caller checks that member before asking (etcd hands it to the member
    /// asked for; Talos' forfeit to the first other member of the list, whoever that is).
    /// </summary>
    EtcdMember? SuccessorOf(EtcdMember leader, EtcdMember preferred, IReadOnlyList<EtcdMember> members);

    /// <summary>The etcd cluster id the endpoints answered as, once a member list was read; null where the backend does not say (Talos).</summary>
    ulong? ClusterId { get; }

    /// <summary>Why the credentials cannot be used now (unreadable, broken by a rotation, expired), or null: our fault, not the cluster's.</summary>
    CredentialException? CredentialProblem();
}

/// <summary>The key space: what only a backend with etcd's KV API can do.</summary>
internal interface IKeyValueAccess
{
    /// <summary>The current revision of the key space.</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>Physical compaction of a large key space takes a while: it gets its own deadline.</summary>
    Task CompactAsync(long revision, bool physical, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>How leadership was given up.</summary>
internal enum Handover
{
    /// <summary>Handed to the member asked for (etcd's MoveLeader).</summary>
    ToPreferred,
    /// <summary>Given up to the first other member of the member list, whoever it is (Talos' forfeit).</summary>
    ToFirstInList,
    /// <summary>The member no longer led when asked: someone else already does.</summary>
    AlreadyMoved,
}
