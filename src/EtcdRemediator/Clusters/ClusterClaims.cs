using EtcdRemediator.Etcd;

namespace EtcdRemediator.Clusters;

/// <summary>
/// Identity is the etcd cluster, not the configured name. A run claims its cluster's id and every member id
/// it read (member ids are random per cluster, and Talos reports no cluster id); a configured name whose
/// cluster another name has claimed is refused, naming both. Two names of one cluster once ran two
/// defragmentations side by side on one member and aborted each other's leadership transfers.
/// Claims last for the process: a configuration is fixed for it.
/// </summary>
internal sealed class ClusterClaims
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, string> _clusterIds = [];
    private readonly Dictionary<ulong, string> _memberIds = [];

    /// <summary>Claims the cluster for <paramref name="name"/>; why it may not have it (another name has), or null.</summary>
    public string? Claim(string name, ulong? clusterId, IEnumerable<ulong> memberIds)
    {
        var members = memberIds.Where(id => id != 0).ToList();
        lock (_lock)
        {
            if (Owner(name, clusterId, members) is { } other) return other;
            if (clusterId is { } id) _clusterIds[id] = name;
            foreach (var member in members) _memberIds.TryAdd(member, name);
            return null;
        }
    }

    /// <summary>Why <paramref name="name"/> may not act on this cluster (another name has claimed it), or null; claims nothing.</summary>
    public string? ConflictOf(string name, ulong? clusterId, IEnumerable<ulong> memberIds)
    {
        lock (_lock) return Owner(name, clusterId, [.. memberIds.Where(id => id != 0)]);
    }

    private string? Owner(string name, ulong? clusterId, List<ulong> members)
    {
        if (clusterId is { } id && _clusterIds.TryGetValue(id, out var byId) && !Same(byId, name))
            return Refusal(name, byId, $"etcd cluster {MemberId.ToHex(id)}");
        foreach (var member in members)
            if (_memberIds.TryGetValue(member, out var byMember) && !Same(byMember, name))
                return Refusal(name, byMember, $"the etcd cluster of member {MemberId.ToHex(member)}");
        return null;
    }

    public static string Refusal(string name, string other, string what) =>
        $"'{name}' answers as {what}, which is already configured as '{other}': one etcd cluster under two names is refused " +
        "(two runs at once would defragment its members side by side); remove one of them from Remediator:Clusters";

    private static bool Same(string a, string b) => a.Equals(b, StringComparison.OrdinalIgnoreCase);
}
