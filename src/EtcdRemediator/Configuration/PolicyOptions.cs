namespace EtcdRemediator.Configuration;

internal enum CompactMode
{
    Never,
    OnNoSpace,
    Always,
}

/// <summary>How careful and how eager a remediation is (docs/configuration.md, "Keys": the Policy keys).</summary>
internal sealed record PolicyOptions
{
    public double MinFragmentationRatio { get; set; } = 0.5;
    public long MinReclaimableBytes { get; set; } = 1024 * 1024;
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>etcdctl's 5 s default here is a well-known cause of failed defrags; large DBs take minutes.</summary>
    public TimeSpan DefragTimeout { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Deadline of every ordinary call (status, member list, alarms, compact, move leader).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public bool MoveLeader { get; set; } = true;
    public CompactMode Compact { get; set; } = CompactMode.OnNoSpace;
    public TimeSpan PauseBetweenMembers { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long a member may take to answer and catch up with the leader after its defrag.</summary>
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromMinutes(2);
    public double DisarmBelowQuotaRatio { get; set; } = 0.9;
    /// <summary>Consecutive failed runs after which automatic runs of a cluster stop.</summary>
    public int CircuitBreakerThreshold { get; set; } = 3;
    /// <summary>Runs of different clusters proceed in parallel up to this many.</summary>
    public int MaxConcurrentClusters { get; set; } = 4;
}
