namespace EtcdRemediator.Etcd;

/// <summary>
/// The operations the pipeline needs of one etcd cluster, and nothing more (DESIGN section 3).
/// Calls that name a member reach that member itself, never a load-balanced endpoint.
/// </summary>
public interface IEtcdCluster
{
    string Name { get; }

    /// <summary>The configured endpoints, for reporting when no member list can be had.</summary>
    IReadOnlyList<string> Endpoints { get; }

    /// <summary>False for Talos: no revision to read and no compaction through its API.</summary>
    bool HasKeyValueAccess { get; }

    Task<IReadOnlyList<EtcdMember>> ListMembersAsync(CancellationToken cancellationToken);

    Task<MemberStatus> GetStatusAsync(EtcdMember member, CancellationToken cancellationToken);

    Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(CancellationToken cancellationToken);

    Task DisarmAsync(EtcdAlarm alarm, CancellationToken cancellationToken);

    /// <summary>The current revision of the key space.</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>Physical compaction of a large key space takes a while: it gets its own deadline.</summary>
    Task CompactAsync(long revision, bool physical, TimeSpan timeout, CancellationToken cancellationToken);

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

    /// <summary>Asks <paramref name="leader"/> to hand leadership to the member <paramref name="targetId"/>.</summary>
    Task MoveLeaderAsync(EtcdMember leader, ulong targetId, CancellationToken cancellationToken);
}
