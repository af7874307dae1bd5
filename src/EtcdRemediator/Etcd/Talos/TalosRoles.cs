using System.Collections.Frozen;

namespace EtcdRemediator.Etcd.Talos;

/// <summary>
/// Which Talos roles may call each machine API method we use (Talos RBAC; the role is the client
/// certificate's Organization). Reads also allow os:reader and os:etcd:backup from Talos 1.9.6 and 1.10.1.
/// </summary>
internal static class TalosRoles
{
    public static readonly FrozenDictionary<string, IReadOnlyList<string>> Allowed = new Dictionary<string, IReadOnlyList<string>>
    {
        ["EtcdMemberList"] = ["os:admin", "os:operator", "os:reader (Talos 1.9.6+, 1.10.1+)", "os:etcd:backup (1.9.6+, 1.10.1+)"],
        ["EtcdStatus"] = ["os:admin", "os:operator", "os:reader (Talos 1.9.6+, 1.10.1+)", "os:etcd:backup (1.9.6+, 1.10.1+)"],
        ["EtcdAlarmList"] = ["os:admin", "os:operator", "os:reader (Talos 1.9.6+, 1.10.1+)", "os:etcd:backup (1.9.6+, 1.10.1+)"],
        ["EtcdSnapshot"] = ["os:admin", "os:operator", "os:etcd:backup"],
        ["EtcdDefragment"] = ["os:admin", "os:operator"],
        ["EtcdAlarmDisarm"] = ["os:admin", "os:operator"],
        ["EtcdForfeitLeadership"] = ["os:admin"],
    }.ToFrozenDictionary();

    /// <summary>apid's "not authorized", in words an operator can act on. Not transient: never retried.</summary>
    public static string Explain(string method) =>
        $"the client certificate's Talos role may not call {method}; " +
        $"it needs {string.Join(" or ", Allowed.GetValueOrDefault(method) ?? ["os:admin"])}" +
        (method == "EtcdForfeitLeadership" ? " (or set Policy:MoveLeader=false: the leader is then defragmented in place, last)" : "");
}
