namespace EtcdRemediator.Etcd.Talos;

/// <summary>
/// Which Talos node serves which etcd member, learnt by asking each node for its own member id
/// (EtcdStatus with the `node` header answers for that node's etcd), never by comparing names: etcd
/// on Talos advertises the node's first routed address (or what `advertisedSubnets` picks), while a
/// talosconfig names nodes by host name, public, KubeSpan or IPv6 address. A node that answered is
/// not asked again until its member leaves the list or a call finds it answering for another member.
/// </summary>
/// <param name="configured">The talosconfig's nodes; none (an in-cluster talosconfig): the hosts the members advertise.</param>
internal sealed class TalosNodeMap(IReadOnlyList<string> configured)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, string> _nodeByMember = [];
    /// <summary>What each node asked last said, for naming them when a member has no node.</summary>
    private readonly Dictionary<string, string> _answers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The nodes that claimed a member, in member order of discovery.</summary>
    public IReadOnlyList<string> Claimed
    {
        get { lock (_lock) return [.. _nodeByMember.Values.Distinct(StringComparer.OrdinalIgnoreCase)]; }
    }

    public string? NodeOf(ulong member)
    {
        lock (_lock) return _nodeByMember.GetValueOrDefault(member);
    }

    /// <summary>
    /// Asks, in parallel, every candidate that claims no listed member yet, when a listed member has
    /// no node; forgets members that left (their node may now serve a new member).
    /// </summary>
    /// <param name="ask">The member id a node's etcd answers with; throws when the node cannot say.</param>
    public async Task RefreshAsync(IReadOnlyList<Wire.EtcdMember> members, Func<string, Task<ulong>> ask)
    {
        List<string> toAsk;
        lock (_lock)
        {
            foreach (var gone in _nodeByMember.Keys.Where(id => members.All(m => m.Id != id)).ToList()) _nodeByMember.Remove(gone);
            if (members.All(m => _nodeByMember.ContainsKey(m.Id))) return;
            var claimed = _nodeByMember.Values.ToHashSet(StringComparer.OrdinalIgnoreCase);
            toAsk = [.. Candidates(configured, members).Where(n => !claimed.Contains(n))];
        }
        var answers = await Task.WhenAll(toAsk.Select(async node =>
        {
            try
            {
                return (node, Id: await ask(node), Error: (string?)null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return (node, Id: 0UL, Error: EtcdErrors.Describe(e));
            }
        }));
        lock (_lock)
            foreach (var (node, id, error) in answers)
            {
                var member = members.FirstOrDefault(m => m.Id == id);
                _answers[node] = error ?? (member is null ? $"member {MemberId.ToHex(id)}, not in the member list" : $"member {Describe(member)}");
                // Two nodes claiming one member (one node under two names): the first asked keeps it.
                if (error is null && member is not null) _nodeByMember.TryAdd(id, node);
            }
    }

    /// <summary>A call reached a node that answers for another member: ask everyone again next time.</summary>
    public void Forget(ulong member, string node)
    {
        lock (_lock)
            foreach (var id in _nodeByMember.Where(e => e.Key == member || string.Equals(e.Value, node, StringComparison.OrdinalIgnoreCase))
                         .Select(e => e.Key).ToList())
                _nodeByMember.Remove(id);
    }

    /// <summary>Why a member has no node: the member, and every node asked with what it said.</summary>
    public string Unclaimed(ulong member, string name)
    {
        lock (_lock)
        {
            var asked = _answers.Count == 0 ? "none (no talosconfig nodes, and the member list names no hosts)"
                : string.Join("; ", _answers.Select(a => $"{a.Key}: {a.Value}"));
            return $"no Talos node claims member {(name.Length > 0 ? $"{name} ({MemberId.ToHex(member)})" : MemberId.ToHex(member))}; " +
                   $"nodes asked for their member id: {asked}. Name the control-plane nodes in the talosconfig's `nodes`";
        }
    }

    /// <summary>The talosconfig's nodes; else the hosts of every member's client and peer URLs.</summary>
    public static IReadOnlyList<string> Candidates(IReadOnlyList<string> configured, IEnumerable<Wire.EtcdMember> members) =>
        [.. (configured.Count > 0 ? configured : members.SelectMany(m => m.ClientUrls.Concat(m.PeerUrls)).Select(HostOf))
            .Select(NodeName).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// A node as apid takes it in the `node` header: a host name or a bare address, never a port;
    /// IPv6 without brackets (.NET's Uri.Host keeps them; apid adds its own).
    /// </summary>
    public static string NodeName(string node) =>
        node.Length > 2 && node[0] == '[' && node[^1] == ']' ? node[1..^1] : node;

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Host : "";

    private static string Describe(Wire.EtcdMember m) => $"{(m.Hostname.Length > 0 ? m.Hostname : "(unstarted)")} ({MemberId.ToHex(m.Id)})";
}
