namespace EtcdRemediator.Etcd;

/// <summary>How a member is reached: through its own client URL, or through apid by its Talos node name.</summary>
internal enum AddressKind
{
    /// <summary>An http(s):// URL the member serves etcd's API on (the etcd backend).</summary>
    ClientUrl,
    /// <summary>A node name or address apid routes to with the <c>node</c> header (the Talos backend).</summary>
    TalosNode,
    /// <summary>A configured endpoint, shown when no member list could be read: nothing is called at it per member.</summary>
    Configured,
}

/// <summary>Where a member is reached, saying which kind of address it is. Empty: not known (a learner not started).</summary>
internal readonly record struct MemberAddress(string Value, AddressKind Kind)
{
    public static MemberAddress ClientUrl(string url) => new(url, AddressKind.ClientUrl);
    public static MemberAddress TalosNode(string node) => new(node, AddressKind.TalosNode);
    public static MemberAddress Configured(string endpoint) => new(endpoint, AddressKind.Configured);

    public bool IsKnown => Value.Length > 0;

    public override string ToString() => Value;
}

/// <summary>A member as the member list reports it, with the address we reach it at.</summary>
internal sealed record EtcdMember(ulong Id, string Name, MemberAddress Address, bool IsLearner)
{
    public string HexId => MemberId.ToHex(Id);
}

/// <summary>One member's own answer to Maintenance.Status.</summary>
internal sealed record MemberStatus(
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

internal enum AlarmKind
{
    None = 0,
    NoSpace = 1,
    Corrupt = 2,
}

internal sealed partial record EtcdAlarm(ulong MemberId, AlarmKind Kind)
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^memberID:(\d+) alarm:(\w+)$")]
    private static partial System.Text.RegularExpressions.Regex RawAlarm();

    /// <summary>etcd's status errors name alarms as "memberID:&lt;decimal&gt; alarm:NOSPACE": said as elsewhere,
    /// "NOSPACE on &lt;hex id&gt;".</summary>
    public static string Readable(string error) =>
        RawAlarm().Match(error) is { Success: true } m
            && ulong.TryParse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? $"{m.Groups[2].Value} on {EtcdRemediator.Etcd.MemberId.ToHex(id)}"
            : error;

    /// <summary>Whether a status error is etcd's word for an alarm: every member repeats it, whichever holds the alarm.</summary>
    public static bool IsAlarmError(string error) => RawAlarm().IsMatch(error);

    public string Name => Kind switch
    {
        AlarmKind.NoSpace => "NOSPACE",
        AlarmKind.Corrupt => "CORRUPT",
        _ => Kind.ToString().ToUpperInvariant(),
    };
}

/// <summary>What a snapshot stream delivered: the point in time and the byte count.</summary>
/// <param name="Revision">The snapshot's revision, where the stream says (etcd 3.5+; not 3.4, not Talos).</param>
/// <param name="ClusterId">The cluster the stream came from, where the backend says (Talos' does not).</param>
internal sealed record SnapshotStreamInfo(ulong MemberId, long? Revision, long Bytes, string? Version, ulong? ClusterId = null);

internal static class MemberId
{
    /// <summary>Lower-case hex without padding, as etcdctl and talosctl print member ids.</summary>
    public static string ToHex(ulong id) => id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
