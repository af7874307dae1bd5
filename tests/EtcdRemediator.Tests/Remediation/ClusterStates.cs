namespace EtcdRemediator.Tests.Remediation;

/// <summary>Builds cluster states for the planner's table tests: members 1..n, sizes in MB.</summary>
public sealed class ClusterStates
{
    private readonly List<MemberState> _members = [];
    private readonly List<EtcdAlarm> _alarms = [];
    private ulong _leader = 1;
    private string? _alarmsError;

    public static ClusterStates Cluster() => new();

    public ClusterStates Member(ulong id, long sizeMb, long inUseMb, bool learner = false, ulong? seesLeader = null, string version = "3.4.23")
    {
        var member = new EtcdMember(id, $"m{id}", MemberAddress.ClientUrl($"http://127.0.0.1:{2378 + (int)id}"), learner);
        var status = new MemberStatus(id, version, sizeMb << 20, inUseMb << 20, seesLeader ?? _leader, 2, 100, 100, learner, [], 0);
        _members.Add(new MemberState(member, status, null));
        return this;
    }

    public ClusterStates Down(ulong id, bool learner = false)
    {
        _members.Add(new MemberState(new EtcdMember(id, $"m{id}", MemberAddress.ClientUrl($"http://127.0.0.1:{2378 + (int)id}"), learner), null, "unavailable: connection refused"));
        return this;
    }

    /// <summary>Member <paramref name="id"/> advertises <paramref name="url"/> (another member's, say).</summary>
    public ClusterStates At(ulong id, string url)
    {
        var i = _members.FindIndex(m => m.Member.Id == id);
        _members[i] = _members[i] with { Member = _members[i].Member with { Address = MemberAddress.ClientUrl(url) } };
        return this;
    }

    /// <summary>Member <paramref name="id"/>'s address is answered by member <paramref name="other"/>.</summary>
    public ClusterStates AnsweredBy(ulong id, ulong other)
    {
        var i = _members.FindIndex(m => m.Member.Id == id);
        _members[i] = new MemberState(_members[i].Member, null, MemberIdentity.Mismatch(_members[i].Member, other), other);
        return this;
    }

    public ClusterStates Leader(ulong id)
    {
        _leader = id;
        return this;
    }

    internal ClusterStates Alarm(ulong member, AlarmKind kind)
    {
        _alarms.Add(new EtcdAlarm(member, kind));
        return this;
    }

    public ClusterStates AlarmsUnreadable()
    {
        _alarmsError = "timed out";
        return this;
    }

    internal ClusterState Build() => new("lab", _members, _alarms, null, _alarmsError, DateTimeOffset.UnixEpoch);
}
