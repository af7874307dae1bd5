using EtcdRemediator.Configuration;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>Whether a run compacts before it defragments, and whether the cluster's backend lets it.</summary>
internal enum Compaction
{
    /// <summary>No compact step: the policy does not ask for one, or nothing is to be defragmented.</summary>
    None,
    /// <summary>Compact to the current revision, physically.</summary>
    Compact,
    /// <summary>The policy asks, but the backend offers no key space (Talos): a skipped step says so.</summary>
    Unsupported,
}

/// <summary>
/// Pure: the one definition of "this run compacts". The step, and the words a run uses when it stops
/// after the snapshot, both read it, so they cannot disagree.
/// </summary>
/// <remarks>
/// <c>OnNoSpace</c> means a NOSPACE alarm is active when the run plans, whatever the action: compaction drops every
/// older revision, and a watcher (kube-apiserver's) that still needs one must list everything again. A quota-low
/// warning or a recover asked for without the alarm does not justify that.
/// </remarks>
internal static class CompactionRule
{
    public static Compaction Of(CompactMode mode, bool noSpace, bool membersPlanned, bool backendCompacts)
    {
        var asked = mode switch
        {
            CompactMode.Always => true,
            CompactMode.OnNoSpace => noSpace,
            _ => false,
        };
        if (!asked || !membersPlanned) return Compaction.None;
        return backendCompacts ? Compaction.Compact : Compaction.Unsupported;
    }
}
