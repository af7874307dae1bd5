namespace EtcdRemediator.Etcd;

/// <summary>A member as the member list reports it, with the client URL we reach it at.</summary>
public sealed record EtcdMember(ulong Id, string Name, string Endpoint, bool IsLearner)
{
    public string HexId => MemberId.ToHex(Id);
}

/// <summary>One member's own answer to Maintenance.Status.</summary>
public sealed record MemberStatus(
    ulong MemberId,
    string Version,
    long DbSize,
    long DbSizeInUse,
    ulong Leader,
    ulong RaftTerm,
    ulong RaftIndex,
    ulong RaftAppliedIndex,
    bool IsLearner,
    IReadOnlyList<string> Errors,
    long DbSizeQuota)
{
    public long FreeBytes => Math.Max(0, DbSize - DbSizeInUse);

    /// <summary>(dbSize - dbSizeInUse) / dbSize: the share of the file that defragmentation gives back.</summary>
    public double FragmentationRatio => DbSize <= 0 ? 0 : (double)FreeBytes / DbSize;
}

public enum AlarmKind
{
    None = 0,
    NoSpace = 1,
    Corrupt = 2,
}

public sealed record EtcdAlarm(ulong MemberId, AlarmKind Kind)
{
    public string Name => Kind switch
    {
        AlarmKind.NoSpace => "NOSPACE",
        AlarmKind.Corrupt => "CORRUPT",
        _ => Kind.ToString().ToUpperInvariant(),
    };
}

/// <summary>What a snapshot stream delivered: the point in time and the byte count.</summary>
public sealed record SnapshotStreamInfo(ulong MemberId, long Revision, long Bytes, string? Version);

public static class MemberId
{
    /// <summary>Lower-case hex without padding, as etcdctl and talosctl print member ids.</summary>
    public static string ToHex(ulong id) => id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
