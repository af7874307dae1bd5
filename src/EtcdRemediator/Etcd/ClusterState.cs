namespace EtcdRemediator.Etcd;

/// <summary>One member as an inspection found it: its own status, or why it did not answer.</summary>
internal sealed record MemberState(EtcdMember Member, MemberStatus? Status, string? Error, ulong? AnsweredAs = null)
{
    public bool Reachable => Status is not null;
}

/// <summary>
/// The cluster as read at one moment: every member's own status and the alarm list. The pipeline
/// decides from this, never from the alert that triggered it.
/// </summary>
internal sealed record ClusterState(
    string Cluster,
    IReadOnlyList<MemberState> Members,
    IReadOnlyList<EtcdAlarm> Alarms,
    string? MemberListError,
    string? AlarmsError,
    DateTimeOffset ReadAt)
{
    public IEnumerable<MemberState> Voting => Members.Where(m => !m.Member.IsLearner && m.Status?.IsLearner != true);

    /// <summary>The leader every reachable voting member agrees on, or null when there is none or they disagree.</summary>
    public ulong? AgreedLeader
    {
        get
        {
            var views = Voting.Where(m => m.Reachable).Select(m => m.Status!.Leader).Distinct().ToList();
            return views is [var only] && only != 0 ? only : null;
        }
    }

    public MemberState? Find(ulong memberId) => Members.FirstOrDefault(m => m.Member.Id == memberId);

    public bool HasAlarm(AlarmKind kind) => Alarms.Any(a => a.Kind == kind);
}
